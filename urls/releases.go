package urls

import "strconv"

// PatternRelease is one release of an app, by number.
const PatternRelease = "/apps/:slug/releases/:number"

// Republish is the POST target that publishes release number again as a new release.
func Republish(slug string, number int) string {
	return Sub(slug, "releases", strconv.Itoa(number), "republish")
}

// SnapshotDownload is a platform's compiled snapshot in a release, as a file to bundle in an app.
func SnapshotDownload(slug string, number int, platform string) string {
	return Sub(slug, "releases", strconv.Itoa(number), "snapshots", platform)
}

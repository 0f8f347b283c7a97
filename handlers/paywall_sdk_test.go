package handlers_test

import (
	"net/http"
	"testing"
)

// The editor's "Include in app snapshots" checkbox stores the paywall's SDK mark, shows it
// checked afterwards, and clearing it stores false; a save without a change changes nothing.
func TestPaywallEditorSDKCheckbox(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	ed, form := editorOf(t, c, "quiet")
	box := ed.doc.Find(`form#pw-form input[type="checkbox"][name="sdk"]`)
	if box.Length() != 1 || box.Is("[checked]") {
		t.Fatalf("the editor has %d sdk checkboxes (checked %v), want one, unchecked", box.Length(), box.Is("[checked]"))
	}
	if id, _ := box.Attr("aria-describedby"); ed.doc.Find("#"+id).Length() != 1 {
		t.Errorf("the checkbox is described by %q, which is not on the page", id)
	}

	form.Set("sdk", "true")
	wantRedirect(t, c.post(demoPath+"/paywalls/quiet", form), demoPath+"/paywalls/quiet")
	if pw := storedPaywall(t, ts, a.ID, "quiet"); !pw.SDK || pw.Version != 2 {
		t.Fatalf("stored sdk %v version %d, want true at version 2", pw.SDK, pw.Version)
	}
	ed, form = editorOf(t, c, "quiet")
	if !ed.doc.Find(`form#pw-form input[name="sdk"]`).Is("[checked]") {
		t.Error("the checkbox is not checked after saving it checked")
	}
	if form.Get("sdk") != "true" {
		t.Errorf("the form posts sdk=%q", form.Get("sdk"))
	}

	form.Del("sdk")
	wantRedirect(t, c.post(demoPath+"/paywalls/quiet", form), demoPath+"/paywalls/quiet")
	if pw := storedPaywall(t, ts, a.ID, "quiet"); pw.SDK || pw.Version != 3 {
		t.Fatalf("stored sdk %v version %d, want false at version 3", pw.SDK, pw.Version)
	}

	// History shows the change, and restoring version 2 brings the mark back.
	r := c.get(demoPath + "/paywalls/quiet/history")
	wantStatus(t, r, http.StatusOK)
	if d := versionRow(r, 3).Find(`[data-testid="change"][data-field="in snapshots without a campaign"]`); d.Length() != 1 {
		t.Errorf("version 3's changes do not show the SDK mark: %q", text(versionRow(r, 3)))
	}
	action, rf := restoreForm(t, r, 2)
	wantRedirect(t, c.post(action, rf), demoPath+"/paywalls/quiet/history")
	if pw := storedPaywall(t, ts, a.ID, "quiet"); !pw.SDK || pw.Version != 4 {
		t.Errorf("after restoring version 2: sdk %v version %d, want true at version 4", pw.SDK, pw.Version)
	}
}

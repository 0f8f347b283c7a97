package sdkapi

import (
	"maps"
	"testing"
)

// FuzzSDKResolveScan checks that the fast reader of resolve bodies, whenever it accepts a body,
// reads exactly what encoding/json reads.
func FuzzSDKResolveScan(f *testing.F) {
	for _, seed := range []string{
		`{"device_id":"d1","label":"onboarding","attributes":{"country":"US","days_since_install":3,"beta":true,"x":null}}`,
		`{"device_id":"d1"}`, `{}`, ` { "label" : "" , "device_id" : "d" } `, `{"device_id":"d","attributes":{}}`,
		`{"device_id":"d","attributes":{"n":-0.5e+3,"m":0,"k":12.25E-1}}`, `{"device_id":"d","attributes":{"a":null,"a":"x"}}`,
		`{"device_id":"d\u0041"}`, `{"Device_ID":"d"}`, `{"device_id":"d","device_id":"e"}`, `{"device_id":"d"} x`,
		`{"device_id":"d","attributes":{"n":01}}`, `{"device_id":"d","attributes":{"o":{}}}`, `{"device_id":"é"}`,
		`{"device_id":null}`, `{"device_id":"d","label":null}`, `{"device_id":"d","attributes":null}`, `[]`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, ok := scanResolve(body)
		if !ok {
			return
		}
		slow, msg := decodeResolve(body)
		if msg != "" {
			t.Fatalf("%q: the fast reader accepted what encoding/json refuses: %s", body, msg)
		}
		if fast.hasDevice != slow.hasDevice || fast.deviceID != slow.deviceID || fast.label != slow.label ||
			!maps.Equal(fast.attributes, slow.attributes) && len(fast.attributes)+len(slow.attributes) > 0 {
			t.Fatalf("%q:\nfast %+v\nslow %+v", body, fast, slow)
		}
	})
}

func TestSDKResolveScanTakesTheCommonShape(t *testing.T) {
	f, ok := scanResolve([]byte(`{"device_id":"d1","label":"onboarding","attributes":{"country":"US","days":3,"beta":false,"gone":null}}`))
	if !ok || f.deviceID != "d1" || !f.hasDevice || f.label != "onboarding" ||
		!maps.Equal(f.attributes, map[string]string{"country": "US", "days": "3", "beta": "false"}) {
		t.Errorf("scanResolve: %v %+v", ok, f)
	}
	for _, unusual := range []string{`{"device_id":"d\n"}`, `{"device_id":"d","extra":1}`, `{"device_id":"d"`, `{"device_id":"ü"}`} {
		if _, ok := scanResolve([]byte(unusual)); ok {
			t.Errorf("%s: the fast reader should leave it to encoding/json", unusual)
		}
	}
}

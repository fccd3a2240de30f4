package cfn

import (
	"testing"
)

// FuzzParseParameters: any bytes either parse into valid keys or give an
// error; never a panic, never a key CloudFormation would reject.
func FuzzParseParameters(f *testing.F) {
	for _, s := range []string{
		`[{"ParameterKey":"A","ParameterValue":"1"}]`,
		`{"Parameters":{"A":"1"},"Tags":{"t":"v"},"StackPolicy":{"Statement":[]}}`,
		"Parameters:\n  A: b\n",
		`["A=1","B=2"]`,
		"A=1\nB=x y\n# c\n",
		`[{"ParameterKey":"A","UsePreviousValue":true}]`,
		"{", "- [", "A=\x00",
		`{"Stage":"prod","Count":3}`,
		`{"Key":{"Fn::GetArtifactAtt":["Build","ObjectKey"]}}`,
		"Stage=\"prod\"\nName='a b'\n",
		"ParameterKey=A,ParameterValue=1\nParameterKey=B,UsePreviousValue=true\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := NewInputs()
		if err := ParseParameters(data, &in); err != nil {
			return
		}
		for k := range in.Values {
			if !validParamKey(k) {
				t.Fatalf("key %q accepted from %q", k, data)
			}
		}
	})
}

// FuzzAddKV: --parameter K=V never accepts an invalid key.
func FuzzAddKV(f *testing.F) {
	for _, s := range []string{"A=1", "A==", "=1", "a-b=1", "A", "Key=with spaces and = signs",
		`Stage="prod" Name="a b" Esc="say \"hi\""`, `Q='it\'s'`, `"A=1 B`,
		"ParameterKey=A,ParameterValue=1", `ParameterKey=S,ParameterValue=a\,b,c`, "ParameterKey=A,UsePreviousValue=true",
		"ParameterKey=A,ParameterValue=1 ParameterKey=B,ParameterValue=2", "ParameterKey=,ParameterValue="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := NewInputs()
		if err := AddKV(s, &in); err != nil {
			return
		}
		for k := range in.Values {
			if !validParamKey(k) {
				t.Fatalf("invalid key %q accepted from %q", k, s)
			}
		}
	})
}

package output

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/version"
)

// Identity prints who the credentials act as, for "deployer whoami" on
// stdout: STS's shape as indented JSON, or three aligned lines.
func Identity(w io.Writer, id assume.Identity, asJSON bool) error {
	if asJSON {
		return indentedJSON(w, id)
	}
	fmt.Fprintf(w, "Account: %s\nArn:     %s\nUserId:  %s\n", id.Account, id.ARN, id.UserID)
	return nil
}

// Version prints the binary's version, for "deployer version" on stdout:
// one line, or indented JSON.
func Version(w io.Writer, info version.Info, asJSON bool) error {
	if asJSON {
		return indentedJSON(w, info)
	}
	_, err := fmt.Fprintln(w, info.String())
	return err
}

func indentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

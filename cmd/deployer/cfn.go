package main

import (
	"strings"

	"github.com/deployer-dev/deployer/internal/settings"
)

// cfnGroup is "deployer cfn VERB"; without a verb it follows ACTION or
// BUILD_ACTION (settings.CfnAction) as existing buildspecs set them.
var cfnGroup = group{name: "cfn", noVerb: func(a *app, log *runLog) (string, string, error) {
	verb, via, err := settings.CfnAction(a.environ)
	if err == nil {
		from, action, _ := strings.Cut(via, "=")
		log.Debug().Str(from, action).Str("verb", verb).Msg("verb from the environment")
	}
	return verb, via, err
}}

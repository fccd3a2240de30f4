package main

import (
	"fmt"
	"strings"

	"github.com/kelseyhightower/envconfig"
)

// envConfig is every environment variable the deployer reads, resolved once.
// Names are spelled out in full (no prefix) so that envconfig never falls back
// to a bare name like ROLE_ARN. Legacy names kept by existing buildspecs sit
// beside the DEPLOYER_ ones; precedence is applied in the resolve functions:
// flag > DEPLOYER_* > legacy name > default.
type envConfig struct {
	RoleARN        string `envconfig:"DEPLOYER_ROLE_ARN"`
	LegacyRoleARN  string `envconfig:"TARGET_ROLE_ARN"`
	ExternalID     string `envconfig:"DEPLOYER_EXTERNAL_ID"`
	SessionName    string `envconfig:"DEPLOYER_SESSION_NAME"`
	LegacySession  string `envconfig:"TARGET_ROLE_SESSION"`
	Duration       string `envconfig:"DEPLOYER_DURATION"`
	Region         string `envconfig:"DEPLOYER_REGION"`
	Profile        string `envconfig:"DEPLOYER_PROFILE"`
	SourceIdentity string `envconfig:"DEPLOYER_SOURCE_IDENTITY"`
	SessionTags    string `envconfig:"DEPLOYER_SESSION_TAGS"`
	LogFormat      string `envconfig:"DEPLOYER_LOG_FORMAT"`
	LogLevel       string `envconfig:"DEPLOYER_LOG_LEVEL"`
	RefreshBefore  string `envconfig:"DEPLOYER_REFRESH_BEFORE"`

	CodeBuildBuildID    string `envconfig:"CODEBUILD_BUILD_ID"`
	PipelineExecutionID string `envconfig:"CODEPIPELINE_EXECUTION_ID"`

	CfnEnv
	TfEnv
}

// loadEnv reads the environment through envconfig.
func loadEnv() (envConfig, error) {
	var e envConfig
	if err := envconfig.Process("", &e); err != nil {
		return e, fmt.Errorf("environment: %w", err)
	}
	return e, nil
}

// splitList splits a comma-separated variable, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// firstSet returns the first non-empty value and the name it came from.
func firstSet(pairs ...string) (value, from string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			return pairs[i+1], pairs[i]
		}
	}
	return "", ""
}

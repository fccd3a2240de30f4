package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// packageApp is the realistic app of the packaging benchmark: three
// functions (one with a node_modules-like tree of about 2,000 small files),
// a layer, and a nested stack whose function is the third one.
var packageAppTemplates = map[string]string{
	"template.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: packaging benchmark app
Resources:
  Api:
    Type: AWS::Serverless::Function # node, with its dependencies
    Properties:
      CodeUri: functions/api
      Handler: index.handler
      Runtime: nodejs20.x
      Layers:
        - !Ref Shared
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/worker
      Handler: app.handler
      Runtime: python3.12
      Layers:
        - !Ref Shared
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/shared
  Reports:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: stacks/reports.yaml
`,
	"stacks/reports.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Report:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../functions/report
      Handler: app.handler
      Runtime: python3.12
`,
}

// writePackageApp generates the app under dir with every file's mtime set
// to mtime, so that a second copy differs from the first only in mtimes.
func writePackageApp(dir string, mtime time.Time) error {
	files := map[string]string{}
	for name, body := range packageAppTemplates {
		files[name] = body
	}
	files["functions/api/index.js"] = "const lib = require('pkg-000');\nexports.handler = async () => lib.id;\n"
	files["functions/api/package.json"] = `{"name":"api","version":"1.0.0"}`
	for p := 0; p < 100; p++ {
		pkg := fmt.Sprintf("functions/api/node_modules/pkg-%03d", p)
		files[pkg+"/package.json"] = fmt.Sprintf(`{"name":"pkg-%03d","version":"1.%d.0","main":"index.js"}`, p, p)
		for f := 0; f < 19; f++ {
			files[fmt.Sprintf("%s/lib/mod-%02d.js", pkg, f)] = fmt.Sprintf("'use strict';\n// module %d of package %d\nmodule.exports = { id: %d, name: 'pkg-%03d/mod-%02d', value: %q };\n", f, p, p*100+f, p, f, fmt.Sprint(p*f))
		}
	}
	files["functions/worker/app.py"] = "import json\n\ndef handler(event, context):\n    return json.dumps(event)\n"
	files["functions/worker/requirements.txt"] = "\n"
	files["functions/report/app.py"] = "def handler(event, context):\n    return {'report': True}\n"
	for i := 0; i < 20; i++ {
		files[fmt.Sprintf("layers/shared/python/shared/mod_%02d.py", i)] = fmt.Sprintf("VALUE = %d\n", i)
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	// Directories too: zip tools that read them see the checkout's time.
	return filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, mtime, mtime)
	})
}

// A CDK app covering what `deployer cdk` must deploy: a function from
// Code.fromAsset, a single-file asset, two stacks joined by a cross-stack
// reference, a nested stage, an environment-agnostic stack, a CfnParameter,
// stack tags and termination protection. Synthesized in tests with
//   CDK_OUTDIR=DIR NODE_PATH=tools/cdk/node_modules node app.js
// TARGET_ACCOUNT and TARGET_REGION pin the environment of the concrete stacks.
const path = require("path");
const cdk = require("aws-cdk-lib");
const lambda = require("aws-cdk-lib/aws-lambda");
const s3assets = require("aws-cdk-lib/aws-s3-assets");
const ssm = require("aws-cdk-lib/aws-ssm");
const s3 = require("aws-cdk-lib/aws-s3");

const env = { account: process.env.TARGET_ACCOUNT || "222222222222", region: process.env.TARGET_REGION || "us-east-1" };
const app = new cdk.App();

class FunctionStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const greeting = new cdk.CfnParameter(this, "Greeting", { type: "String", default: "hello" });
    const fn = new lambda.Function(this, "Handler", {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: lambda.Code.fromAsset(path.join(__dirname, "lambda")),
      environment: { GREETING: greeting.valueAsString },
    });
    const file = new s3assets.Asset(this, "Config", { path: path.join(__dirname, "files", "config.json") });
    new cdk.CfnOutput(this, "FunctionName", { value: fn.functionName });
    new cdk.CfnOutput(this, "ConfigKey", { value: file.s3ObjectKey });
    new cdk.CfnOutput(this, "ConfigHash", { value: file.assetHash });
  }
}

class Producer extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    this.bucket = new s3.Bucket(this, "Shared", { removalPolicy: cdk.RemovalPolicy.DESTROY });
  }
}

class Consumer extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    new ssm.StringParameter(this, "SharedName", { stringValue: props.bucket.bucketName });
  }
}

class Api extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    new ssm.StringParameter(this, "Stage", { stringValue: "prod" });
  }
}

class Agnostic extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const file = new s3assets.Asset(this, "Config", { path: path.join(__dirname, "files", "config.json") });
    new ssm.StringParameter(this, "Where", { stringValue: cdk.Aws.ACCOUNT_ID + "/" + cdk.Aws.REGION });
    new cdk.CfnOutput(this, "ConfigBucket", { value: file.s3BucketName });
  }
}

new FunctionStack(app, "FnStack", {
  env,
  tags: { team: "payments", "cost-center": "42" },
  terminationProtection: true,
});
const producer = new Producer(app, "Producer", { env });
new Consumer(app, "Consumer", { env, bucket: producer.bucket });

const prod = new cdk.Stage(app, "Prod", { env });
new Api(prod, "Api");

new Agnostic(app, "Agnostic");

app.synth();

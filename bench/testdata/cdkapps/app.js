// The benchmark's CDK apps (bench section 9), synthesized with plain node:
//   CDK_OUTDIR=DIR NODE_PATH=tools/cdk/node_modules BENCH_APP=five|agnostic node app.js
// five: five stacks in one environment joined by cross-stack references
// (exports and imports): Network and Storage first, Queue after Network,
// Service (a function from Code.fromAsset) after all three, Config after
// Service. agnostic: one environment-agnostic stack with a function from
// Code.fromAsset, for one assembly deployed to many accounts.
const path = require("path");
const cdk = require("aws-cdk-lib");
const lambda = require("aws-cdk-lib/aws-lambda");
const s3 = require("aws-cdk-lib/aws-s3");
const sns = require("aws-cdk-lib/aws-sns");
const sqs = require("aws-cdk-lib/aws-sqs");
const ssm = require("aws-cdk-lib/aws-ssm");

const app = new cdk.App();
const code = () => lambda.Code.fromAsset(path.join(__dirname, "lambda"));

class Network extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    this.topic = new sns.Topic(this, "Events");
    new ssm.StringParameter(this, "Stage", { stringValue: "prod" });
  }
}

class Storage extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    this.bucket = new s3.Bucket(this, "Data", { removalPolicy: cdk.RemovalPolicy.DESTROY });
  }
}

class Queue extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    this.queue = new sqs.Queue(this, "Work");
    new ssm.StringParameter(this, "Topic", { stringValue: props.network.topic.topicArn });
  }
}

class Service extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    this.fn = new lambda.Function(this, "Handler", {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: code(),
      environment: {
        BUCKET: props.storage.bucket.bucketName,
        QUEUE_URL: props.queue.queue.queueUrl,
        TOPIC_ARN: props.network.topic.topicArn,
      },
    });
  }
}

class Config extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    new ssm.StringParameter(this, "FunctionName", { stringValue: props.service.fn.functionName });
  }
}

class Agnostic extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const fn = new lambda.Function(this, "Handler", {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: code(),
    });
    new cdk.CfnOutput(this, "FunctionName", { value: fn.functionName });
  }
}

if ((process.env.BENCH_APP || "five") === "agnostic") {
  new Agnostic(app, "Service");
} else {
  const env = { account: process.env.TARGET_ACCOUNT || "222222222222", region: process.env.TARGET_REGION || "us-east-1" };
  const network = new Network(app, "Network", { env });
  const storage = new Storage(app, "Storage", { env });
  const queue = new Queue(app, "Queue", { env, network });
  const service = new Service(app, "Service", { env, network, storage, queue });
  new Config(app, "Config", { env, service });
}

app.synth();

// A CDK app with a container image asset: a Lambda DockerImageFunction from
// DockerImageCode.fromImageAsset (Lambda's ContainerImage.fromAsset), a Dockerfile of
// another name, a build argument, a build target and a platform, so a test
// can check that deployer passes each to docker as cdk-assets does.
// Synthesized without docker; deployed by deployer only when the image is in
// ECR already or docker can build it. TARGET_ACCOUNT pins the account;
// AGNOSTIC=1 leaves the stack environment-agnostic.
const path = require("path");
const cdk = require("aws-cdk-lib");
const lambda = require("aws-cdk-lib/aws-lambda");
const ecrAssets = require("aws-cdk-lib/aws-ecr-assets");

const app = new cdk.App();
const stack = new cdk.Stack(app, "ImageStack", {
  env: process.env.AGNOSTIC
    ? undefined
    : { account: process.env.TARGET_ACCOUNT || "222222222222", region: process.env.TARGET_REGION || "us-east-1" },
});
const fn = new lambda.DockerImageFunction(stack, "Web", {
  code: lambda.DockerImageCode.fromImageAsset(path.join(__dirname, "image"), {
    file: "web.Dockerfile",
    buildArgs: { GREETING: "hello from the build" },
    target: "web",
    platform: ecrAssets.Platform.LINUX_ARM64,
  }),
  architecture: lambda.Architecture.ARM_64,
});
new cdk.CfnOutput(stack, "FunctionName", { value: fn.functionName });
app.synth();

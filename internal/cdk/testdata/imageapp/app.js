// A CDK app with a container image asset (ecr_assets.DockerImageAsset):
// synthesized without docker, deployed by deployer only when the image is
// in ECR already or docker can build it. TARGET_ACCOUNT pins the account.
const path = require("path");
const cdk = require("aws-cdk-lib");
const ecrAssets = require("aws-cdk-lib/aws-ecr-assets");

const app = new cdk.App();
const stack = new cdk.Stack(app, "ImageStack", {
  env: { account: process.env.TARGET_ACCOUNT || "222222222222", region: process.env.TARGET_REGION || "us-east-1" },
});
const image = new ecrAssets.DockerImageAsset(stack, "Web", { directory: path.join(__dirname, "image") });
new cdk.CfnOutput(stack, "ImageUri", { value: image.imageUri });
app.synth();

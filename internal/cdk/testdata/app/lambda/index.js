// The function the test app deploys from Code.fromAsset: its zip is what
// deployer publishes and Lambda's CodeSha256 is checked against.
exports.handler = async () => ({ statusCode: 200, body: "hello from a CDK asset" });

package artifact

// Shape is the form a packaged reference takes in the template.
type Shape int

const (
	// ShapeURI is an s3://bucket/key string.
	ShapeURI Shape = iota
	// ShapeS3BucketKey is a {S3Bucket, S3Key} object (Lambda code and layers,
	// Elastic Beanstalk bundles).
	ShapeS3BucketKey
	// ShapeBucketKey is a {Bucket, Key} object (API Gateway bodies, Step
	// Functions definitions, CodeCommit seeds).
	ShapeBucketKey
	// ShapeURL is an https URL, the only form TemplateURL accepts.
	ShapeURL
)

// property is one packageable property of a resource type.
type property struct {
	// path is the property under Properties; a dot means nested, as in
	// aws-cli's "Command.ScriptLocation".
	path  string
	shape Shape
	// zip forces a single file into a zip, as Lambda needs (aws-cli's
	// FORCE_ZIP); a directory is always zipped.
	zip bool
	// nested marks a child template, packaged recursively.
	nested bool
}

// properties is aws-cli's artifact_exporter.py list (RESOURCES_EXPORT_LIST),
// plus the types SAM CLI adds (HttpApi, ApiGatewayV2, AppSync code, StackSet).
// Unlike aws-cli, a missing property is never replaced by the template's
// whole directory: aws-cli zips the project for a function without CodeUri,
// InlineCode included.
var properties = map[string][]property{
	"AWS::Serverless::Function":                 {{path: "CodeUri", shape: ShapeURI, zip: true}},
	"AWS::Serverless::Api":                      {{path: "DefinitionUri", shape: ShapeURI}},
	"AWS::Serverless::HttpApi":                  {{path: "DefinitionUri", shape: ShapeURI}},
	"AWS::Serverless::LayerVersion":             {{path: "ContentUri", shape: ShapeURI, zip: true}},
	"AWS::Serverless::Application":              {{path: "Location", shape: ShapeURL, nested: true}},
	"AWS::Serverless::StateMachine":             {{path: "DefinitionUri", shape: ShapeBucketKey}},
	"AWS::Lambda::Function":                     {{path: "Code", shape: ShapeS3BucketKey, zip: true}},
	"AWS::Lambda::LayerVersion":                 {{path: "Content", shape: ShapeS3BucketKey, zip: true}},
	"AWS::ApiGateway::RestApi":                  {{path: "BodyS3Location", shape: ShapeBucketKey}},
	"AWS::ApiGatewayV2::Api":                    {{path: "BodyS3Location", shape: ShapeBucketKey}},
	"AWS::AppSync::GraphQLSchema":               {{path: "DefinitionS3Location", shape: ShapeURI}},
	"AWS::AppSync::Resolver":                    appSyncTemplates,
	"AWS::AppSync::FunctionConfiguration":       appSyncTemplates,
	"AWS::ElasticBeanstalk::ApplicationVersion": {{path: "SourceBundle", shape: ShapeS3BucketKey}},
	"AWS::Glue::Job":                            {{path: "Command.ScriptLocation", shape: ShapeURI}},
	"AWS::StepFunctions::StateMachine":          {{path: "DefinitionS3Location", shape: ShapeBucketKey}},
	"AWS::CodeCommit::Repository":               {{path: "Code.S3", shape: ShapeBucketKey, zip: true}},
	"AWS::CloudFormation::Stack":                {{path: "TemplateURL", shape: ShapeURL, nested: true}},
	"AWS::CloudFormation::StackSet":             {{path: "TemplateURL", shape: ShapeURL, nested: true}},
}

var appSyncTemplates = []property{
	{path: "RequestMappingTemplateS3Location", shape: ShapeURI},
	{path: "ResponseMappingTemplateS3Location", shape: ShapeURI},
	{path: "CodeS3Location", shape: ShapeURI},
}

// globalsFunction is SAM's Globals section, whose CodeUri every function
// without its own inherits; aws-cli leaves it unpackaged.
var globalsFunction = property{path: "CodeUri", shape: ShapeURI, zip: true}

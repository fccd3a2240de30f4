"""moto's server with gaps of its CloudFormation support closed.

1. moto executes a change set by updating the stack's resources but, unlike
   UpdateStack, it does not rebuild the stack's outputs, template description
   or parameters. Real CloudFormation does all three, and the deployer's tests
   and demo read them, so this wrapper finishes the job the way moto's own
   Stack.update does.
2. A change set that names only some parameters is compared on resolved
   values, as CloudFormation does.
3. A KMS key created from a template keeps its KeyPolicy as an object, and
   GetKeyPolicy then returns an object where the API returns a string; it is
   stored as the JSON string AWS keeps.
4. AWS::S3::BucketPolicy is not a resource type moto's CloudFormation knows;
   the bootstrap templates under buildspec/iam need it, so it is added with
   moto's own S3 backend doing the work. Its delete uses the bucket resolved
   at create (the template's Bucket is usually a Ref, which moto passes
   unresolved to a delete).
5. moto has no SAM transform: a template whose Transform names
   AWS::Serverless-2016-10-31 is translated with aws-sam-translator (the
   library CloudFormation's transform is built on) before moto reads its
   resources, so SAM apps deploy in tests. The stack keeps the original
   template, as CloudFormation's GetTemplate (Original stage) does.
6. AWS::StepFunctions::StateMachine ignores DefinitionS3Location in moto
   (the machine gets an empty definition); CloudFormation reads the object,
   so the definition is read from the bucket, in whichever account owns it
   (S3 bucket names are global), as packaged templates need.
7. AWS::Lambda::LayerVersion has no physical id in moto, so Ref to it gives
   the model object instead of the layer version ARN CloudFormation returns,
   and every update of a function with Layers fails silently (its code stays
   as it was). The physical id is the version ARN; and a function created
   from a template gets its Layers, which moto's create leaves out.
8. AWS::S3::Bucket ignores PublicAccessBlockConfiguration in moto; the kit's
   buckets declare it and the doctor reads it back, so it is applied through
   moto's own S3 backend, as CloudFormation does.
9. moto evaluates a bucket policy's Deny statements on object calls but
   ignores their conditions, so the kit's "deny when aws:SecureTransport is
   false" denies every call. Every real call of the SDKs goes over TLS, where
   that statement does not apply; the emulator speaks plain HTTP only
   because it is local. Such statements are left out of the evaluation.
10. An executed change set's template is not parsed a second time, and its
    outputs are evaluated at once: an output moto cannot evaluate is the
    ValidationError CloudFormation gives such a template, not an HTTP 500 on
    ExecuteChangeSet or on every later DescribeStacks.
11. A role's inline policy from a template is returned by GetRolePolicy as
    the JSON document IAM returns, not moto's Python repr of it.
The server ends when the process that started it ends.
Then the unmodified server starts.
"""
import copy
import json
import sys

from moto.cloudformation import models
from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.core.common_models import CloudFormationModel
from moto.awslambda import models as lambda_models
from moto.iam import models as iam_models
from moto.kms import models as kms_models
from moto.s3.models import FakeBucket, s3_backends
from moto.stepfunctions import models as sfn_models
from moto.server import main


class BucketPolicy(CloudFormationModel):
    """AWS::S3::BucketPolicy, stored through moto's S3 backend."""

    # moto's model registry files each model under the service named by its
    # module path.
    __module__ = "moto.s3.cfn_bucket_policy"

    def __init__(self, account_id, bucket, document):
        self.account_id = account_id
        self.bucket = bucket
        self.document = document

    @staticmethod
    def cloudformation_type():
        return "AWS::S3::BucketPolicy"

    @staticmethod
    def cloudformation_name_type():
        return ""

    @property
    def physical_resource_id(self):
        return self.bucket

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json["Properties"]
        doc = props["PolicyDocument"]
        body = doc if isinstance(doc, str) else json.dumps(doc)
        s3_backends[account_id]["aws"].put_bucket_policy(props["Bucket"], body.encode())
        return cls(account_id, props["Bucket"], body)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id, region_name):
        # The bucket as it was resolved at create: the template's Bucket is
        # often a Ref, which only the create saw resolved.
        _delete_bucket_policy(self.account_id, self.bucket)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        bucket = cloudformation_json["Properties"]["Bucket"]
        _delete_bucket_policy(account_id, bucket if isinstance(bucket, str) else resource_name)


def _delete_bucket_policy(account_id, bucket):
    """The policy goes with its resource; a bucket already deleted took it."""
    backend = s3_backends[account_id]["aws"]
    if bucket in backend.buckets:
        backend.delete_bucket_policy(bucket)

_apply = models.ChangeSet.apply


def _apply_like_update(self):
    _apply(self)
    stack = self.stack
    stack.template = self.template
    # The change set's own parse of the template: parsing it a second time
    # could fail after the resources were changed (HTTP 500 mid-way).
    stack.template_dict = self.template_dict
    stack.description = stack.template_dict.get("Description")
    stack.parameters = dict(stack.resource_map.resolved_parameters)
    stack.output_map, failed = _evaluated_outputs(stack)
    if failed:
        # CloudFormation refuses such a template before changing anything
        # (ValidationError, HTTP 400: "Template error: ..."); moto finds out
        # only now. The error is the documented one, and the stack stays
        # readable: moto evaluates outputs on every DescribeStacks, so an
        # output it cannot evaluate would make each of them an HTTP 500.
        raise ValidationError(message=failed)


def _evaluated_outputs(stack):
    """The stack's output map with every output evaluated now; outputs moto
    cannot evaluate are left out, and the first error is returned."""
    outputs = stack._create_output_map()
    failed = ""
    good = {}
    for key in list(outputs.keys()):
        try:
            outputs[key]
            good[key] = stack.template_dict["Outputs"][key]
        except Exception as e:  # moto raises many kinds here
            failed = failed or getattr(e, "message", None) or str(e)
    if not failed:
        return outputs, ""
    template = dict(stack.template_dict, Outputs=good or None)
    if not good:
        template.pop("Outputs")
    return models.OutputMap(stack.resource_map, template, stack.stack_id), failed


def _has_parameters(self, other):
    # A change set names only what it sets; compare on the resolved values.
    current = dict(self.resource_map.resolved_parameters)
    merged = dict(current)
    merged.update(other or {})
    return merged == current


_create_key = kms_models.Key.create_from_cloudformation_json.__func__


def _create_key_with_string_policy(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    props = cloudformation_json.get("Properties", {})
    if isinstance(props.get("KeyPolicy"), dict):
        props["KeyPolicy"] = json.dumps(props["KeyPolicy"])
    return _create_key(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


class _AwsManagedPolicies(dict):
    """Policy names resolve to AWS-managed ARNs; the real transform asks IAM."""

    def __contains__(self, name):
        return isinstance(name, str)

    def __getitem__(self, name):
        return "arn:aws:iam::aws:policy/" + name

    def get(self, name, default=None):
        return self[name]


def _sam(template_dict):
    if not isinstance(template_dict, dict):
        return template_dict
    names = template_dict.get("Transform")
    names = names if isinstance(names, list) else [names]
    if SAM_TRANSFORM not in names:
        return template_dict
    # Imported here so that a venv without the translator still serves every
    # template but SAM ones.
    import boto3
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.model.exceptions import InvalidDocumentException

    params = {"AWS::Region": "us-east-1", "AWS::Partition": "aws", "AWS::AccountId": "123456789012"}
    for name, spec in (template_dict.get("Parameters") or {}).items():
        if isinstance(spec, dict) and "Default" in spec:
            params[name] = spec["Default"]
    try:
        session = boto3.session.Session(region_name="us-east-1")
        metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
        out = Translator(None, Parser(), boto_session=session, metrics=metrics).translate(
            copy.deepcopy(template_dict), parameter_values=params, get_managed_policy_map=_AwsManagedPolicies
        )
        metrics.publish()  # else its destructor logs a warning per template
    except InvalidDocumentException as e:
        raise ValidationError(message="Transform " + SAM_TRANSFORM + " failed with: " + " ".join(c.message for c in e.causes))
    rest = [n for n in names if n != SAM_TRANSFORM]
    if rest:
        out["Transform"] = rest
    return out


_parse_stack_template = models.Stack.parse_template
_parse_change_set_template = models.ChangeSet._parse_template


def _parse_change_set_with_sam(self):
    _parse_change_set_template(self)
    self.template_dict = _sam(self.template_dict)


def _definition_from_s3(cloudformation_json, account_id):
    props = cloudformation_json.get("Properties") or {}
    loc = props.get("DefinitionS3Location")
    if isinstance(loc, dict) and "DefinitionString" not in props:
        # moto's get_bucket finds a bucket of another account by its name.
        key = s3_backends[account_id]["aws"].get_object(loc["Bucket"], loc["Key"], version_id=loc.get("Version"))
        props["DefinitionString"] = key.value.decode("utf-8")


_create_machine = sfn_models.StateMachine.create_from_cloudformation_json.__func__
_update_machine = sfn_models.StateMachine.update_from_cloudformation_json.__func__


def _create_machine_from_s3(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    _definition_from_s3(cloudformation_json, account_id)
    return _create_machine(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


def _update_machine_from_s3(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    _definition_from_s3(cloudformation_json, account_id)
    return _update_machine(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)


_create_function = lambda_models.LambdaFunction.create_from_cloudformation_json.__func__


def _create_function_with_layers(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    fn = _create_function(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    layers = (cloudformation_json.get("Properties") or {}).get("Layers")
    if layers:
        fn.layers = fn._get_layers_data(layers)
    return fn


_create_bucket = FakeBucket.create_from_cloudformation_json.__func__


def _create_bucket_with_public_access_block(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    bucket = _create_bucket(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    block = (cloudformation_json.get("Properties") or {}).get("PublicAccessBlockConfiguration")
    if block:
        s3_backends[account_id]["aws"].put_public_access_block(bucket.name, block)
    return bucket


FakeBucket.create_from_cloudformation_json = classmethod(_create_bucket_with_public_access_block)
_get_permission = FakeBucket.get_permission


def _denies_plain_http(statement):
    cond = statement.get("Condition") or {}
    value = (cond.get("Bool") or {}).get("aws:SecureTransport")
    return statement.get("Effect") == "Deny" and str(value).lower() == "false"


def _get_permission_over_tls(self, action, resource):
    if self.policy is None:
        return _get_permission(self, action, resource)
    doc = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
    statements = doc.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    kept = [st for st in statements if not _denies_plain_http(st)]
    if len(kept) == len(statements):
        return _get_permission(self, action, resource)
    original = self.policy
    try:
        self.policy = json.dumps(dict(doc, Statement=kept)).encode()
        if not kept:
            self.policy = None
        return _get_permission(self, action, resource)
    finally:
        self.policy = original


FakeBucket.get_permission = _get_permission_over_tls
lambda_models.LayerVersion.physical_resource_id = property(lambda self: self.arn)
lambda_models.LambdaFunction.create_from_cloudformation_json = classmethod(_create_function_with_layers)
sfn_models.StateMachine.create_from_cloudformation_json = classmethod(_create_machine_from_s3)
sfn_models.StateMachine.update_from_cloudformation_json = classmethod(_update_machine_from_s3)
models.Stack.parse_template = staticmethod(lambda template: _sam(_parse_stack_template(template)))
models.ChangeSet._parse_template = _parse_change_set_with_sam
kms_models.Key.create_from_cloudformation_json = classmethod(_create_key_with_string_policy)
models.ChangeSet.apply = _apply_like_update
models.Stack.has_parameters = _has_parameters

# ---- CDK apps (helper cdk): the gaps a real cloud assembly, and the real
# cdk CLI deploying it, hit on moto 5.2.5. Each is played as the
# CloudFormation API reference states it; kept apart from the fixes above.

from urllib.parse import urlparse as _cdk_urlparse
from moto.cloudformation import responses as _cdk_responses
from moto.core.responses import ActionResult as _CdkActionResult, EmptyResult as _CdkEmptyResult

_cdk_get_stack_from_s3_url = _cdk_responses.get_stack_from_s3_url


class _CdkChangeSetNotFound(CloudFormationError):
    """12c. A change set that is not there: ChangeSetNotFoundException (code
    ChangeSetNotFound, HTTP 404, "ChangeSet [name] does not exist"), what the
    CDK CLI waits for after DeleteChangeSet; moto said ValidationError."""
    code = "ChangeSetNotFoundException"

    def __init__(self, name):
        super().__init__("ChangeSet [" + name + "] does not exist")


def _cdk_template_from_endpoint(template_url, account_id, partition):
    """10. TemplateURL on an IP-address endpoint (http://127.0.0.1:PORT/bucket/key,
    what the SDKs build from AWS_ENDPOINT_URL) is path-style: moto read the
    first label of the host, "127", as the bucket."""
    parts = _cdk_urlparse(template_url)
    host = parts.hostname or ""
    if parts.port or host.replace(".", "").isdigit():
        bucket, key = parts.path.lstrip("/").split("/", 1)
        return s3_backends[account_id][partition].get_object(bucket, key).value.decode("utf-8")
    return _cdk_get_stack_from_s3_url(template_url, account_id, partition)


_cdk_create_change_set = models.CloudFormationBackend.create_change_set
_cdk_execute_change_set = models.CloudFormationBackend.execute_change_set


def _cdk_create_change_set_with_exports(self, *args, **kwargs):
    """11a. A stack made by a CREATE change set resolves Fn::ImportValue against
    the region's exports, as one made by CreateStack does (moto gave it an
    empty map: "No export named ...")."""
    change_set_id, stack_id = _cdk_create_change_set(self, *args, **kwargs)
    stack = self.stacks[stack_id]
    stack.cross_stack_resources = self.exports
    stack.resource_map.cross_stack_resources = self.exports
    return change_set_id, stack_id


def _cdk_execute_change_set_with_exports(self, change_set_name, stack_name=None):
    """11b. Executing a change set registers the stack's exports (and drops
    the ones it no longer has), as CreateStack and UpdateStack do."""
    cs = _cdk_find_change_set(self, change_set_name, stack_name)
    if cs is None:
        raise _CdkChangeSetNotFound(change_set_name)
    _cdk_execute_change_set(self, cs.change_set_id, stack_name)
    stack = self.stacks[cs.stack_id]
    for name in [n for n, e in self.exports.items() if e.exporting_stack_id == stack.stack_id]:
        del self.exports[name]
    self._validate_export_uniqueness(stack)
    for export in stack.exports:
        self.exports[export.name] = export


def _cdk_find_change_set(backend, name, stack_name):
    """12a. A change set named without its ARN belongs to the stack named beside
    it: names are unique per stack, not per region (moto took the first of
    any stack)."""
    if name in backend.change_sets:
        return backend.change_sets[name]
    for cs in backend.change_sets.values():
        if cs.change_set_name != name:
            continue
        if not stack_name or stack_name in (cs.stack.name, cs.stack.stack_id):
            return cs
    return None


def _cdk_describe_change_set(self):
    cs = _cdk_find_change_set(self.cloudformation_backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
    if cs is None:
        raise _CdkChangeSetNotFound(self._get_param("ChangeSetName"))
    return _CdkActionResult(cs)


def _cdk_delete_change_set(self):
    """12b. DeleteChangeSet of a change set that is not there is accepted
    while its stack exists (moto failed with HTTP 500)."""
    backend = self.cloudformation_backend
    name, stack_name = self._get_param("ChangeSetName"), self._get_param("StackName")
    cs = _cdk_find_change_set(backend, name, stack_name)
    if cs is not None:
        del backend.change_sets[cs.change_set_id]
    elif stack_name:
        backend.get_stack(stack_name)  # ValidationError "Stack with id ... does not exist"
    return _CdkEmptyResult()


def _cdk_execute_change_set_response(self):
    self.cloudformation_backend.execute_change_set(
        change_set_name=self._get_param("ChangeSetName"), stack_name=self._get_param("StackName"))
    return _CdkEmptyResult()


def _cdk_update_termination_protection(self):
    """13. UpdateTerminationProtection, which moto lacks (HTTP 500); the CDK
    calls it for every stack with terminationProtection."""
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    stack.enable_termination_protection = self._get_param("EnableTerminationProtection") in (True, "true")
    return _CdkActionResult({"StackId": stack.stack_id})


from moto.ssm import models as _cdk_ssm_models

_cdk_create_ssm_parameter = _cdk_ssm_models.Parameter.create_from_cloudformation_json.__func__


def _cdk_create_ssm_parameter_named(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """14. AWS::SSM::Parameter without Name gets a generated name, as
    CloudFormation gives it (moto failed on None.lower()); the CDK leaves
    Name out of every StringParameter that does not set parameterName."""
    props = cloudformation_json.setdefault("Properties", {})
    props.setdefault("Name", resource_name)
    return _cdk_create_ssm_parameter(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


_cdk_ssm_models.Parameter.create_from_cloudformation_json = classmethod(_cdk_create_ssm_parameter_named)
from moto.cloudformation import parsing as _cdk_parsing

_cdk_parse_ssm_parameter = _cdk_parsing.ResourceMap.parse_ssm_parameter


def _cdk_parse_ssm_parameter_previous(self, value, value_type):
    """15. UsePreviousValue of an SSM-typed parameter (the CDK's
    BootstrapVersion) keeps the parameter's name, which CloudFormation
    resolves again; moto hands back the value it resolved last time and then
    looked that up as a name (None.value). A value that names no parameter
    is taken as that resolved value."""
    ssm = _cdk_ssm_models.ssm_backends[self._account_id][self._region_name]
    if ssm.get_parameter(value) is None:
        return value
    return _cdk_parse_ssm_parameter(self, value, value_type)


_cdk_parsing.ResourceMap.parse_ssm_parameter = _cdk_parse_ssm_parameter_previous
_cdk_responses.get_stack_from_s3_url = _cdk_template_from_endpoint
models.CloudFormationBackend.create_change_set = _cdk_create_change_set_with_exports
models.CloudFormationBackend.execute_change_set = _cdk_execute_change_set_with_exports
_cdk_responses.CloudFormationResponse.describe_change_set = _cdk_describe_change_set
_cdk_responses.CloudFormationResponse.delete_change_set = _cdk_delete_change_set
_cdk_responses.CloudFormationResponse.execute_change_set = _cdk_execute_change_set_response
_cdk_responses.CloudFormationResponse.update_termination_protection = _cdk_update_termination_protection



# 11. An inline policy given as an object (a template's Policies) is kept as
#     the object, and GetRolePolicy then answers Python's repr of it; IAM
#     keeps and returns the JSON document. It is stored as JSON.
_put_role_policy = iam_models.Role.put_policy


def _put_role_policy_as_json(self, policy_name, policy_json):
    if not isinstance(policy_json, str):
        policy_json = json.dumps(policy_json)
    return _put_role_policy(self, policy_name, policy_json)


iam_models.Role.put_policy = _put_role_policy_as_json



def _exit_with_parent():
    """Ends the server when the test binary that started it is gone (a
    package without a TestMain that stops it, a test killed by its timeout),
    so no emulator outlives its run."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


if __name__ == "__main__":
    _exit_with_parent()
    sys.exit(main())

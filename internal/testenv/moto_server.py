"""moto's server with two gaps of its CloudFormation change sets closed.

moto executes a change set by updating the stack's resources but, unlike
UpdateStack, it does not rebuild the stack's outputs, template description or
parameters. Real CloudFormation does all three, and the deployer's tests and
demo read them, so this wrapper finishes the job the way moto's own
Stack.update does, then starts the unmodified server.
"""
import sys

from moto.cloudformation import models
from moto.server import main

_apply = models.ChangeSet.apply


def _apply_like_update(self):
    _apply(self)
    stack = self.stack
    stack.template = self.template
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    stack.parameters = dict(stack.resource_map.resolved_parameters)
    stack.output_map = stack._create_output_map()


def _has_parameters(self, other):
    # A change set names only what it sets; compare on the resolved values.
    current = dict(self.resource_map.resolved_parameters)
    merged = dict(current)
    merged.update(other or {})
    return merged == current


models.ChangeSet.apply = _apply_like_update
models.Stack.has_parameters = _has_parameters

if __name__ == "__main__":
    sys.exit(main())

from lib import greeting


def handler(event, context):
    return greeting()

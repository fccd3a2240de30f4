def handler(event, context):
    return "hi"

def handler(event, context):
    return {"hello": "from the target account"}

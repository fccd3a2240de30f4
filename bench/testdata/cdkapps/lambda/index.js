exports.handler = async () => ({ statusCode: 200, body: process.env.QUEUE_URL || "" });

import os
from flask import Flask, request
from standardwebhooks.webhooks import Webhook

wh = Webhook(os.environ["CHATAPI_WEBHOOK_SECRET"])  # whsec_…
app = Flask(__name__)

@app.post("/chat-events")
def chat_events():
    try:
        event = wh.verify(request.get_data(), dict(request.headers))
    except Exception:
        return "", 401
    print(event["type"], event["data"], flush=True)  # dedupe on request.headers["webhook-id"]
    return "", 204

if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "3000")))

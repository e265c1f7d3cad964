import express from "express";
import { Webhook } from "standardwebhooks";

const wh = new Webhook(process.env.CHATAPI_WEBHOOK_SECRET); // whsec_…
express()
  .post("/chat-events", express.raw({ type: "application/json" }), (req, res) => {
    try {
      const { type, data } = wh.verify(req.body, req.headers);
      console.log(type, JSON.stringify(data)); // dedupe on req.header("webhook-id")
      res.sendStatus(204);
    } catch {
      res.sendStatus(401);
    }
  })
  .listen(Number(process.env.PORT ?? 3000));

// handle-devices: registers the caller's phone for push reminders.
//   POST /me/devices {expoPushToken, platform: "ios" | "android"} -> 201
// Write-only by design: the function can put items, never read other users' data.
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";

const db = new DynamoDBClient({});
const { TABLE_NAME } = process.env;
const TOKEN = /^Expo(nent)?PushToken\[[A-Za-z0-9_-]{10,}\]$/;

const reply = (statusCode, body) => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

export const handler = async (event) => {
  const user = event.requestContext?.authorizer?.jwt?.claims?.sub;
  if (!user) return reply(401, { error: "sign in first" });
  let body;
  try {
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : event.body;
    body = JSON.parse(raw || "{}");
  } catch {
    return reply(400, { error: "send a JSON body" });
  }
  if (typeof body.expoPushToken !== "string" || !TOKEN.test(body.expoPushToken)) {
    return reply(400, { error: "expoPushToken must look like ExponentPushToken[...]" });
  }
  if (!["ios", "android"].includes(body.platform)) return reply(400, { error: "platform must be ios or android" });
  await db.send(
    new PutItemCommand({
      TableName: TABLE_NAME,
      Item: {
        PK: { S: `USER#${user}` },
        SK: { S: `DEVICE#${body.expoPushToken}` },
        token: { S: body.expoPushToken },
        platform: { S: body.platform },
        registeredAt: { S: new Date().toISOString() },
      },
    }),
  );
  return reply(201, { registered: true });
};

// exportSpec: renders the session's specification as a PDF, stores it in the exports bucket (served
// through the CDN for 7 days of caching), and emails the PDF link and a magic link to resume.
//
// {"action": "exportSpec", "email": "someone@example.com"}
import { randomBytes } from "node:crypto";
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { pdf } from "./pdf.mjs";

const db = new DynamoDBClient({});
const s3 = new S3Client({});
const ses = new SESv2Client({});
const sockets = new ApiGatewayManagementApiClient({ endpoint: process.env.WEBSOCKET_ENDPOINT });
const TABLE = process.env.TABLE_NAME;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

async function reply(connectionId, payload) {
  await sockets.send(
    new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(payload)) }),
  );
}

export const handler = async (event) => {
  const connectionId = event.requestContext.connectionId;
  const { email } = JSON.parse(event.body ?? "{}");
  if (typeof email !== "string" || !EMAIL.test(email)) {
    await reply(connectionId, { type: "error", message: "a valid email address is needed" });
    return { statusCode: 400 };
  }
  const connection = await db.send(
    new GetItemCommand({ TableName: TABLE, Key: { PK: { S: `CONNECTION#${connectionId}` }, SK: { S: "META" } } }),
  );
  const sessionId = connection.Item?.sessionId?.S;
  if (!sessionId) return { statusCode: 410 };
  const messages = await db.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :msg)",
      ExpressionAttributeValues: { ":pk": { S: `SESSION#${sessionId}` }, ":msg": { S: "MSG#" } },
    }),
  );
  const lines = (messages.Items ?? []).flatMap((m) => [
    `${m.role.S === "user" ? "You" : "Wizard"}:`,
    ...m.text.S.match(/.{1,95}(\s|$)/g).map((l) => l.trimEnd()),
    "",
  ]);
  const key = `exports/${sessionId}/${Date.now()}.pdf`;
  await s3.send(
    new PutObjectCommand({
      Bucket: process.env.BUCKET_NAME,
      Key: key,
      Body: pdf("Software specification", lines),
      ContentType: "application/pdf",
      CacheControl: "max-age=604800",
    }),
  );
  const token = randomBytes(24).toString("base64url");
  const expiresAt = Math.floor(Date.now() / 1000) + 30 * 24 * 3600;
  await db.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        PK: { S: `SESSION#${sessionId}` },
        SK: { S: `MAGIC#${token}` },
        GSI1PK: { S: `MAGIC#${token}` },
        GSI1SK: { S: `SESSION#${sessionId}` },
        sessionId: { S: sessionId },
        expiresAt: { N: String(expiresAt) },
      },
    }),
  );
  const link = `${process.env.CDN_URL}/${key}`;
  const resume = `${process.env.APP_URL}/resume?token=${token}`;
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: process.env.EMAIL_SENDER,
      Destination: { ToAddresses: [email] },
      ConfigurationSetName: process.env.EMAIL_CONFIGURATION_SET,
      Content: {
        Template: {
          TemplateName: process.env.EMAIL_TEMPLATE_EXPORT,
          TemplateData: JSON.stringify({ link, resume }),
        },
      },
    }),
  );
  await reply(connectionId, { type: "exported", link });
  return { statusCode: 200 };
};

// exportSpec: renders the session's specification as a PDF, stores it in the exports bucket (served
// through the CDN for 7 days of caching), and emails the PDF link and a magic link to resume.
//
// {"action": "exportSpec", "email": "someone@example.com"}
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { randomBytes, randomUUID } from "node:crypto";
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

// A business metric in CloudWatch embedded metric format: written straight to stdout, CloudWatch Logs
// turns it into the metric SpecWizard/<name> (dimension Stage); no PutMetricData permission needed.
const metric = (name, value = 1, unit = "Count") =>
  process.stdout.write(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{ Namespace: "SpecWizard", Dimensions: [["Stage"]], Metrics: [{ Name: name, Unit: unit }] }],
      },
      Stage: process.env.STAGE ?? "unknown",
      [name]: value,
    }) + "\n",
  );

async function reply(connectionId, payload) {
  await sockets.send(
    new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(payload)) }),
  );
}

// Errors go to the error log (kept 90 days; application logs keep 30): one stream per execution environment.
const errorLog = new CloudWatchLogsClient({});
const errorStream = `errors/${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? randomUUID()}`.replace(/[:*]/g, "-");
let errorStreamReady;
async function reportError(error, context) {
  try {
    errorStreamReady ??= errorLog
      .send(new CreateLogStreamCommand({ logGroupName: process.env.LOG_GROUP_NAME, logStreamName: errorStream }))
      .catch((e) => {
        if (e.name !== "ResourceAlreadyExistsException") throw e;
      });
    await errorStreamReady;
    await errorLog.send(
      new PutLogEventsCommand({
        logGroupName: process.env.LOG_GROUP_NAME,
        logStreamName: errorStream,
        logEvents: [{ timestamp: Date.now(), message: JSON.stringify({ ...context, error: String(error), stack: error?.stack }) }],
      }),
    );
  } catch (logging) {
    console.error(JSON.stringify({ message: "could not write the error log", error: String(logging) }));
  }
}

async function run(event) {
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
  metric("ExportsSent");
  await reply(connectionId, { type: "exported", link });
  return { statusCode: 200 };
}

export const handler = async (event) => {
  try {
    return await run(event);
  } catch (error) {
    await reportError(error, { route: event.requestContext?.routeKey, records: event.Records?.length });
    throw error;
  }
};

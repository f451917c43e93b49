// $connect and $disconnect of the wizard's WebSocket API.
//
// $connect starts a wizard session, or resumes one when the client passes the token of a magic link
// (?resume=<token>, looked up on GSI1). The connection is recorded on the session so that
// sendMessage, exportSpec and submitSpec know which session a message belongs to. Sessions expire
// 30 days after their last activity (TTL attribute expiresAt). $disconnect forgets the connection.
import { randomUUID } from "node:crypto";
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";

const db = new DynamoDBClient({});
const TABLE = process.env.TABLE_NAME;
const SESSION_DAYS = 30;

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

const expiry = () => Math.floor(Date.now() / 1000) + SESSION_DAYS * 24 * 3600;

async function sessionForToken(token) {
  const found = await db.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: "GSI1",
      KeyConditionExpression: "GSI1PK = :pk",
      ExpressionAttributeValues: { ":pk": { S: `MAGIC#${token}` } },
      Limit: 1,
    }),
  );
  return found.Items?.[0]?.sessionId?.S;
}

async function connect(connectionId, resumeToken) {
  let sessionId = resumeToken ? await sessionForToken(resumeToken) : undefined;
  if (resumeToken && !sessionId) {
    return { statusCode: 403, body: "unknown or expired link" };
  }
  if (!sessionId) {
    sessionId = randomUUID();
    await db.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          PK: { S: `SESSION#${sessionId}` },
          SK: { S: "META" },
          sessionId: { S: sessionId },
          status: { S: "in_progress" },
          createdAt: { S: new Date().toISOString() },
          expiresAt: { N: String(expiry()) },
        },
        ConditionExpression: "attribute_not_exists(PK)",
      }),
    );
    metric("SessionsCreated");
  } else {
    await db.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { PK: { S: `SESSION#${sessionId}` }, SK: { S: "META" } },
        UpdateExpression: "SET expiresAt = :e",
        ExpressionAttributeValues: { ":e": { N: String(expiry()) } },
      }),
    );
  }
  await db.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        PK: { S: `CONNECTION#${connectionId}` },
        SK: { S: "META" },
        sessionId: { S: sessionId },
        expiresAt: { N: String(Math.floor(Date.now() / 1000) + 2 * 3600) },
      },
    }),
  );
  return { statusCode: 200 };
}

export const handler = async (event) => {
  const { routeKey, connectionId } = event.requestContext;
  if (routeKey === "$disconnect") {
    await db.send(
      new DeleteItemCommand({ TableName: TABLE, Key: { PK: { S: `CONNECTION#${connectionId}` }, SK: { S: "META" } } }),
    );
    return { statusCode: 200 };
  }
  return connect(connectionId, event.queryStringParameters?.resume);
};

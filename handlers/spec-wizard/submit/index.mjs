// submitSpec: marks the session's specification as submitted and gives it a reference number.
//
// {"action": "submitSpec", "email": "someone@example.com", "name": "Ada"}
// The submission item is written with GSI1PK = REF#<reference> (reference lookups); the table's
// stream delivers it to the notify function, which sends the confirmation email.
import { randomInt } from "node:crypto";
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";

const db = new DynamoDBClient({});
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

const reference = () => {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return "SW-" + Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join("");
};

async function reply(connectionId, payload) {
  await sockets.send(
    new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(payload)) }),
  );
}

export const handler = async (event) => {
  const connectionId = event.requestContext.connectionId;
  const { email, name } = JSON.parse(event.body ?? "{}");
  if (typeof email !== "string" || !EMAIL.test(email)) {
    await reply(connectionId, { type: "error", message: "a valid email address is needed" });
    return { statusCode: 400 };
  }
  const connection = await db.send(
    new GetItemCommand({ TableName: TABLE, Key: { PK: { S: `CONNECTION#${connectionId}` }, SK: { S: "META" } } }),
  );
  const sessionId = connection.Item?.sessionId?.S;
  if (!sessionId) return { statusCode: 410 };
  const ref = reference();
  const at = new Date().toISOString();
  await db.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Update: {
            TableName: TABLE,
            Key: { PK: { S: `SESSION#${sessionId}` }, SK: { S: "META" } },
            UpdateExpression: "SET #s = :submitted, submittedAt = :at REMOVE expiresAt",
            ConditionExpression: "#s = :open",
            ExpressionAttributeNames: { "#s": "status" },
            ExpressionAttributeValues: { ":submitted": { S: "submitted" }, ":open": { S: "in_progress" }, ":at": { S: at } },
          },
        },
        {
          Put: {
            TableName: TABLE,
            Item: {
              PK: { S: `SESSION#${sessionId}` },
              SK: { S: "SUBMISSION" },
              GSI1PK: { S: `REF#${ref}` },
              GSI1SK: { S: at },
              type: { S: "submission" },
              reference: { S: ref },
              email: { S: email },
              name: { S: typeof name === "string" ? name.slice(0, 200) : "" },
              submittedAt: { S: at },
            },
            ConditionExpression: "attribute_not_exists(PK)",
          },
        },
      ],
    }),
  );
  metric("SubmissionsCompleted");
  await reply(connectionId, { type: "submitted", reference: ref });
  return { statusCode: 200 };
};

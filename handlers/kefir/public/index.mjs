// handle-public: GET /public/b/{batchId} -> the public view of a batch its owner chose to share.
// Public route (no token): it shows only batches marked shared, never who owns them, and photo
// URLs that expire after ten minutes. Read-only access to the table and the photos.
import { DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { presign } from "./presign.mjs";

const db = new DynamoDBClient({});
const { TABLE_NAME, BUCKET_NAME, AWS_REGION } = process.env;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const reply = (statusCode, body) => ({
  statusCode,
  headers: { "content-type": "application/json", "cache-control": "public, max-age=60" },
  body: JSON.stringify(body),
});

export const handler = async (event) => {
  const batchId = event.pathParameters?.batchId ?? "";
  if (!UUID.test(batchId)) return reply(404, { error: "no such batch" });
  const found = await db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      IndexName: "GSI1",
      KeyConditionExpression: "GSI1PK = :pk AND GSI1SK = :meta",
      ExpressionAttributeValues: { ":pk": { S: `BATCH#${batchId}` }, ":meta": { S: "META" } },
    }),
  );
  const batch = found.Items?.[0];
  if (!batch || batch.shared?.BOOL !== true) return reply(404, { error: "no such batch" });
  const events = await db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :event)",
      ExpressionAttributeValues: { ":pk": { S: `BATCH#${batchId}` }, ":event": { S: "EVENT#" } },
      ScanIndexForward: false,
      Limit: 50,
    }),
  );
  return reply(200, {
    name: batch.name.S,
    type: batch.type.S,
    startedAt: batch.startedAt.S,
    events: (events.Items ?? []).map((item) => ({
      type: item.type.S,
      at: item.at.S,
      photoUrl: item.photoKey
        ? presign({ method: "GET", bucket: BUCKET_NAME, key: item.photoKey.S, region: AWS_REGION, expiresIn: 600 })
        : null,
    })),
  });
};

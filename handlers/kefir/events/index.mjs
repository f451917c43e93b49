// handle-events: what happened to a batch (fed, strained, tasted, a photo, a note).
//   POST /batches/{id}/events {type, note?, at?} -> the event; a "photo" event also gets an upload URL
//   GET  /batches/{id}/events                    -> the batch's events, oldest first
// Photos go straight from the app to S3 with the presigned PUT URL; the function never sees them.
import { randomUUID } from "node:crypto";
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { presign } from "./presign.mjs";

const db = new DynamoDBClient({});
const { TABLE_NAME, BUCKET_NAME, AWS_REGION } = process.env;
const TYPES = ["fed", "strained", "tasted", "photo", "note", "second_ferment", "bottled"];

const reply = (statusCode, body) => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
const userOf = (event) => event.requestContext?.authorizer?.jwt?.claims?.sub;

function parse(event) {
  try {
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : event.body;
    return JSON.parse(raw || "{}");
  } catch {
    return null;
  }
}

async function owns(user, batchId) {
  const found = await db.send(
    new GetItemCommand({
      TableName: TABLE_NAME,
      Key: { PK: { S: `USER#${user}` }, SK: { S: `BATCH#${batchId}` } },
      ProjectionExpression: "PK",
    }),
  );
  return Boolean(found.Item);
}

async function add(user, batchId, body) {
  if (!body || !TYPES.includes(body.type)) return reply(400, { error: `type must be one of ${TYPES.join(", ")}` });
  if (body.note !== undefined && (typeof body.note !== "string" || body.note.length > 1000)) {
    return reply(400, { error: "note must be text of at most 1000 characters" });
  }
  const at = new Date(body.at ?? Date.now());
  if (Number.isNaN(at.getTime())) return reply(400, { error: "at must be an ISO date" });
  const id = randomUUID();
  const item = {
    PK: { S: `BATCH#${batchId}` },
    SK: { S: `EVENT#${at.toISOString()}#${id}` },
    type: { S: body.type },
    at: { S: at.toISOString() },
    author: { S: user },
  };
  if (body.note) item.note = { S: body.note };
  let uploadUrl = null;
  if (body.type === "photo") {
    const key = `photos/${user}/${batchId}/${id}.jpg`;
    item.photoKey = { S: key };
    uploadUrl = presign({ method: "PUT", bucket: BUCKET_NAME, key, region: AWS_REGION, expiresIn: 600 });
  }
  await db.send(new PutItemCommand({ TableName: TABLE_NAME, Item: item }));
  return reply(201, { id, type: body.type, at: item.at.S, note: body.note ?? null, uploadUrl });
}

async function list(batchId) {
  const items = [];
  let start;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :event)",
        ExpressionAttributeValues: { ":pk": { S: `BATCH#${batchId}` }, ":event": { S: "EVENT#" } },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && items.length < 1000);
  return reply(
    200,
    items.map((item) => ({ type: item.type.S, at: item.at.S, note: item.note?.S ?? null, photo: Boolean(item.photoKey) })),
  );
}

export const handler = async (event) => {
  const user = userOf(event);
  if (!user) return reply(401, { error: "sign in first" });
  const batchId = event.pathParameters?.id;
  if (!batchId || !(await owns(user, batchId))) return reply(404, { error: "no such batch" });
  switch (event.routeKey) {
    case "POST /batches/{id}/events":
      return add(user, batchId, parse(event));
    case "GET /batches/{id}/events":
      return list(batchId);
    default:
      return reply(404, { error: "no such route" });
  }
};

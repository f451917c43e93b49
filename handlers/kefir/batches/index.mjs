// handle-batches: a user's kefir batches.
//   POST /batches       {name, type: "milk" | "water", startedAt?, shared?} -> the new batch
//   GET  /batches                                                       -> the caller's batches
//   GET  /batches/{id}                                                  -> one batch, recent events, photo URLs
import { randomUUID } from "node:crypto";
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { presign } from "./presign.mjs";

const db = new DynamoDBClient({});
const { TABLE_NAME, BUCKET_NAME, AWS_REGION } = process.env;
const TYPES = ["milk", "water"];

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

const batchOut = (item) => ({
  id: item.SK.S.slice("BATCH#".length),
  name: item.name.S,
  type: item.type.S,
  startedAt: item.startedAt.S,
  shared: item.shared?.BOOL ?? false,
});

async function create(user, body) {
  if (!body || typeof body.name !== "string" || !body.name.trim() || body.name.length > 100) {
    return reply(400, { error: "name is required (at most 100 characters)" });
  }
  if (!TYPES.includes(body.type)) return reply(400, { error: `type must be one of ${TYPES.join(", ")}` });
  const startedAt = body.startedAt ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(startedAt))) return reply(400, { error: "startedAt must be an ISO date" });
  const id = randomUUID();
  const item = {
    PK: { S: `USER#${user}` },
    SK: { S: `BATCH#${id}` },
    GSI1PK: { S: `BATCH#${id}` },
    GSI1SK: { S: "META" },
    name: { S: body.name.trim() },
    type: { S: body.type },
    startedAt: { S: new Date(startedAt).toISOString() },
    shared: { BOOL: body.shared === true },
  };
  await db.send(new PutItemCommand({ TableName: TABLE_NAME, Item: item }));
  return reply(201, batchOut(item));
}

async function list(user) {
  const result = await db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :batch)",
      ExpressionAttributeValues: { ":pk": { S: `USER#${user}` }, ":batch": { S: "BATCH#" } },
    }),
  );
  return reply(200, (result.Items ?? []).map(batchOut));
}

async function show(user, id) {
  const found = await db.send(
    new GetItemCommand({ TableName: TABLE_NAME, Key: { PK: { S: `USER#${user}` }, SK: { S: `BATCH#${id}` } } }),
  );
  if (!found.Item) return reply(404, { error: "no such batch" });
  const events = await db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :event)",
      ExpressionAttributeValues: { ":pk": { S: `BATCH#${id}` }, ":event": { S: "EVENT#" } },
      ScanIndexForward: false,
      Limit: 20,
    }),
  );
  const recent = (events.Items ?? []).map((item) => ({
    type: item.type.S,
    at: item.at.S,
    note: item.note?.S ?? null,
    photoUrl: item.photoKey
      ? presign({ method: "GET", bucket: BUCKET_NAME, key: item.photoKey.S, region: AWS_REGION })
      : null,
  }));
  return reply(200, { ...batchOut(found.Item), recentEvents: recent });
}

export const handler = async (event) => {
  const user = userOf(event);
  if (!user) return reply(401, { error: "sign in first" });
  switch (event.routeKey) {
    case "POST /batches":
      return create(user, parse(event));
    case "GET /batches":
      return list(user);
    case "GET /batches/{id}":
      return show(user, event.pathParameters.id);
    default:
      return reply(404, { error: "no such route" });
  }
};

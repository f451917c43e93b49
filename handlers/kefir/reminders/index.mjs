// handle-reminders: when to feed or strain a batch.
//   GET  /batches/{id}/reminders/suggestions -> suggested reminders from the batch type and last feeding
//   POST /batches/{id}/reminders/confirm     {reminders: [{kind, dueAt}]} -> the reminders scheduled
//   GET  /me/reminders                       -> the caller's reminders
// Scheduled reminders also sit in GSI1 under "REMINDER#DUE" sorted by due time, which is where
// process-reminders finds them; sending removes them from the index.
import { randomUUID } from "node:crypto";
import { BatchWriteItemCommand, DynamoDBClient, GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";

const db = new DynamoDBClient({});
const { TABLE_NAME } = process.env;
const HOUR = 3600 * 1000;
// Typical rhythms: milk kefir grains are strained daily, water kefir every two days; a second
// ferment is checked a day after bottling.
const RHYTHM = {
  milk: [{ kind: "strain", every: 24 * HOUR }, { kind: "feed", every: 24 * HOUR }],
  water: [{ kind: "strain", every: 48 * HOUR }, { kind: "feed", every: 48 * HOUR }, { kind: "check_second_ferment", every: 72 * HOUR }],
};
const KINDS = ["strain", "feed", "check_second_ferment", "custom"];

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

async function batchOf(user, batchId) {
  const found = await db.send(
    new GetItemCommand({ TableName: TABLE_NAME, Key: { PK: { S: `USER#${user}` }, SK: { S: `BATCH#${batchId}` } } }),
  );
  return found.Item ?? null;
}

async function lastFeeding(batchId) {
  const result = await db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :event)",
      FilterExpression: "#type IN (:fed, :strained)",
      ExpressionAttributeNames: { "#type": "type" },
      ExpressionAttributeValues: {
        ":pk": { S: `BATCH#${batchId}` },
        ":event": { S: "EVENT#" },
        ":fed": { S: "fed" },
        ":strained": { S: "strained" },
      },
      ScanIndexForward: false,
    }),
  );
  return result.Items?.[0]?.at?.S ?? null;
}

async function suggestions(batch, batchId) {
  const since = Date.parse((await lastFeeding(batchId)) ?? batch.startedAt.S);
  const now = Date.now();
  return reply(
    200,
    RHYTHM[batch.type.S].map(({ kind, every }) => {
      let due = since + every;
      while (due < now) due += every;
      return { kind, dueAt: new Date(due).toISOString() };
    }),
  );
}

async function confirm(user, batchId, body) {
  const wanted = body?.reminders;
  if (!Array.isArray(wanted) || wanted.length === 0 || wanted.length > 25) {
    return reply(400, { error: "send 1 to 25 reminders as {kind, dueAt}" });
  }
  const items = [];
  for (const reminder of wanted) {
    const due = new Date(reminder?.dueAt);
    if (!KINDS.includes(reminder?.kind) || Number.isNaN(due.getTime())) {
      return reply(400, { error: `each reminder needs a kind (${KINDS.join(", ")}) and an ISO dueAt` });
    }
    const id = randomUUID();
    items.push({
      PK: { S: `USER#${user}` },
      SK: { S: `REMINDER#${due.toISOString()}#${id}` },
      GSI1PK: { S: "REMINDER#DUE" },
      GSI1SK: { S: `${due.toISOString()}#${id}` },
      batchId: { S: batchId },
      kind: { S: reminder.kind },
      dueAt: { S: due.toISOString() },
      status: { S: "scheduled" },
    });
  }
  await db.send(
    new BatchWriteItemCommand({ RequestItems: { [TABLE_NAME]: items.map((Item) => ({ PutRequest: { Item } })) } }),
  );
  return reply(201, items.map((item) => ({ kind: item.kind.S, dueAt: item.dueAt.S, status: "scheduled" })));
}

async function mine(user) {
  const result = await db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :reminder)",
      ExpressionAttributeValues: { ":pk": { S: `USER#${user}` }, ":reminder": { S: "REMINDER#" } },
    }),
  );
  return reply(
    200,
    (result.Items ?? []).map((item) => ({
      batchId: item.batchId.S,
      kind: item.kind.S,
      dueAt: item.dueAt.S,
      status: item.status.S,
    })),
  );
}

export const handler = async (event) => {
  const user = userOf(event);
  if (!user) return reply(401, { error: "sign in first" });
  if (event.routeKey === "GET /me/reminders") return mine(user);
  const batchId = event.pathParameters?.id;
  const batch = batchId ? await batchOf(user, batchId) : null;
  if (!batch) return reply(404, { error: "no such batch" });
  switch (event.routeKey) {
    case "GET /batches/{id}/reminders/suggestions":
      return suggestions(batch, batchId);
    case "POST /batches/{id}/reminders/confirm":
      return confirm(user, batchId, parse(event));
    default:
      return reply(404, { error: "no such route" });
  }
};

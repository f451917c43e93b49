// handle-export: GET /export.csv -> every batch and event of the caller as CSV (read-only access).
import { DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";

const db = new DynamoDBClient({});
const { TABLE_NAME } = process.env;
const COLUMNS = ["batch_id", "batch_name", "batch_type", "started_at", "event_type", "event_at", "note"];

// RFC 4180: quote a field when it holds a comma, quote or line break; double the quotes inside.
// A leading =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula.
export function csvField(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function queryAll(input) {
  const items = [];
  let start;
  do {
    const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export const handler = async (event) => {
  const user = event.requestContext?.authorizer?.jwt?.claims?.sub;
  if (!user) return { statusCode: 401, body: "sign in first" };
  const batches = await queryAll({
    TableName: TABLE_NAME,
    KeyConditionExpression: "PK = :pk AND begins_with(SK, :batch)",
    ExpressionAttributeValues: { ":pk": { S: `USER#${user}` }, ":batch": { S: "BATCH#" } },
  });
  const rows = [COLUMNS.join(",")];
  for (const batch of batches) {
    const id = batch.SK.S.slice("BATCH#".length);
    const head = [id, batch.name.S, batch.type.S, batch.startedAt.S];
    const events = await queryAll({
      TableName: TABLE_NAME,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :event)",
      ExpressionAttributeValues: { ":pk": { S: `BATCH#${id}` }, ":event": { S: "EVENT#" } },
    });
    if (events.length === 0) rows.push([...head, "", "", ""].map(csvField).join(","));
    for (const item of events) {
      rows.push([...head, item.type.S, item.at.S, item.note?.S ?? ""].map(csvField).join(","));
    }
  }
  return {
    statusCode: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="bubblebatch-export.csv"',
    },
    body: rows.join("\r\n") + "\r\n",
  };
};

// archive-orders: run nightly by the "nightly" schedule with {"older_than_days": 30}.
// Moves finished orders older than the cut-off from the orders table to the archive bucket as one
// JSON-lines file per run, then deletes them from the table (only after the file is written).
import { BatchWriteItemCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

const db = new DynamoDBClient({});
const s3 = new S3Client({});
const { TABLE_NAME, BUCKET_NAME } = process.env;

export const handler = async (event) => {
  const days = Number(event?.older_than_days ?? 30);
  if (!Number.isFinite(days) || days < 1) throw new Error(`older_than_days must be a positive number, not ${days}`);
  const cutoff = new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
  const finished = [];
  let start;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: TABLE_NAME,
        FilterExpression: "#status = :done AND finishedAt < :cutoff",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":done": { S: "done" }, ":cutoff": { S: cutoff } },
        ExclusiveStartKey: start,
      }),
    );
    finished.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  if (finished.length === 0) return { archived: 0 };

  const key = `orders/${new Date().toISOString().slice(0, 10)}.jsonl`;
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET_NAME,
      Key: key,
      Body: finished.map((item) => JSON.stringify(item)).join("\n") + "\n",
      ContentType: "application/x-ndjson",
    }),
  );
  for (let index = 0; index < finished.length; index += 25) {
    let requests = finished.slice(index, index + 25).map((item) => ({
      DeleteRequest: { Key: { PK: item.PK, SK: item.SK } },
    }));
    for (let attempt = 0; requests.length > 0 && attempt < 5; attempt += 1) {
      const result = await db.send(new BatchWriteItemCommand({ RequestItems: { [TABLE_NAME]: requests } }));
      requests = result.UnprocessedItems?.[TABLE_NAME] ?? [];
      if (requests.length > 0) await new Promise((done) => setTimeout(done, 100 * 2 ** attempt));
    }
    if (requests.length > 0) throw new Error(`${requests.length} orders were archived to ${key} but not deleted`);
  }
  return { archived: finished.length, key };
};

// Reads the table's stream: every new submission gets its confirmation email (template "submission").
// Failed records are reported individually so only they are retried (ReportBatchItemFailures).
import { randomUUID } from "node:crypto";
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";

const ses = new SESv2Client({});

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
  const failures = [];
  for (const record of event.Records) {
    const item = record.dynamodb?.NewImage;
    if (record.eventName !== "INSERT" || item?.type?.S !== "submission") continue;
    try {
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: process.env.EMAIL_SENDER,
          Destination: { ToAddresses: [item.email.S] },
          ConfigurationSetName: process.env.EMAIL_CONFIGURATION_SET,
          Content: {
            Template: {
              TemplateName: process.env.EMAIL_TEMPLATE_SUBMISSION,
              TemplateData: JSON.stringify({ name: item.name?.S || "there", reference: item.reference.S }),
            },
          },
        }),
      );
    } catch (error) {
      await reportError(error, { message: "confirmation email failed", reference: item.reference.S });
      failures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
    }
  }
  return { batchItemFailures: failures };
}

export const handler = async (event) => {
  try {
    return await run(event);
  } catch (error) {
    await reportError(error, { route: event.requestContext?.routeKey, records: event.Records?.length });
    throw error;
  }
};

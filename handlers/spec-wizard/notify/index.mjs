// Reads the table's stream: every new submission gets its confirmation email (template "submission").
// Failed records are reported individually so only they are retried (ReportBatchItemFailures).
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";

const ses = new SESv2Client({});

export const handler = async (event) => {
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
      console.error(JSON.stringify({ message: "confirmation email failed", reference: item.reference.S, error: String(error) }));
      failures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
    }
  }
  return { batchItemFailures: failures };
};

// A real, minimal handler for the kind test cases: reports which resources it was given.
export const handler = async (event) => {
  const names = Object.keys(process.env)
    .filter((key) => /(_NAME|_ID|_ARN)$/.test(key) && !key.startsWith("AWS_"))
    .sort();
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ route: event?.routeKey ?? null, configured: names }),
  };
};

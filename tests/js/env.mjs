// What JavaScriptClientTests hands over: one Trent endpoint, the administrator's key, the Region of the run.
export const endpoint = required('TRENT_ENDPOINT');
export const region = required('AWS_REGION');
export const accountId = required('TRENT_ACCOUNT_ID');
export const credentials = {
  accessKeyId: required('AWS_ACCESS_KEY_ID'),
  secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
};

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run these tests through JavaScriptClientTests (scripts/test)`);
  }
  return value;
}

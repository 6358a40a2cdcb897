// Reads a page through the real `statuspage.io` npm client and prints what it got as JSON.
//
//   node statuspage_client.js <base URL of the page, e.g. http://127.0.0.1:5000/prefix/public/slug>
//
// The client's three scheduled-maintenance methods all ask for upcoming.json, so the
// other two maintenance documents are fetched through the client's own HTTP instance.
'use strict';

const {Statuspage} = require('statuspage.io');

async function main(base) {
  const statuspage = new Statuspage('x');
  statuspage.setApiUrl(base);
  const api = statuspage.api;
  const get = async path => (await statuspage.apiClient.get(path)).data;
  const result = {
    summary: await api.getSummary(),
    status: await api.getStatus(),
    components: await api.getComponents(),
    incidents: await api.incidents.getAll(),
    unresolved: await api.incidents.getUnresolved(),
    maintenances: {
      upcoming: await api.scheduledMaintenances.getUpcoming(),
      active: await api.scheduledMaintenances.getActive(),
      all: await api.scheduledMaintenances.getAll(),
      activeJson: await get('/api/v2/scheduled-maintenances/active.json'),
      allJson: await get('/api/v2/scheduled-maintenances.json'),
    },
  };
  process.stdout.write(JSON.stringify(result));
}

main(process.argv[2]).catch(error => {
  const status = error.response ? ` (HTTP ${error.response.status})` : '';
  process.stderr.write(`${error.message}${status}\n`);
  process.exit(1);
});

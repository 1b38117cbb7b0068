// Starts GraphiQL against this server: queries and mutations to /graphql, subscriptions to /graphql/ws
// (graphql-transport-ws). The token goes in the headers editor; GraphiQL sends those headers with
// every request and as the WebSocket's connection_init payload.
(function () {
  var here = window.location;
  var wsScheme = here.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({
    url: here.origin + '/graphql',
    subscriptionUrl: wsScheme + '//' + here.host + '/graphql/ws',
  });
  var help = [
    '# lienthong GraphiQL: served by this server,',
    '# it works without internet access.',
    '#',
    '# 1. In "Headers" below, give your token:',
    '#      {"Authorization": "Bearer <token>"}',
    '# 2. Load the docs: the re-fetch button at the',
    '#    bottom left (or Shift-Ctrl-R).',
    '# 3. Run a query: the play button (Ctrl-Enter).',
    '#',
    '# Queries go to /graphql, subscriptions to',
    '# /graphql/ws (graphql-transport-ws).',
    '',
    '{',
    '  districts(first: 3) {',
    '    nodes { code name }',
    '  }',
    '}',
    '',
  ].join('\n');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: help,
      defaultEditorToolsVisibility: 'headers',
    })
  );
})();

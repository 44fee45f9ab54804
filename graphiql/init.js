// Starts GraphiQL on this origin's /graphql: queries and mutations over HTTP,
// subscriptions over the same path's WebSocket (graphql-transport-ws), whose
// connection_init carries the headers editor's content, so one Authorization
// header serves both.
(function () {
  var endpoint = new URL("/graphql", window.location.href);
  var socket = new URL(endpoint);
  socket.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  var defaultQuery = [
    "# Coalition's GraphQL API. The public directory needs no credential:",
    "# run this query with the \u25B6 button (or Ctrl-Enter).",
    "#",
    "# To act as someone, open the Headers tab below and enter",
    "#   {\"Authorization\": \"Bearer <token>\"}",
    "# with <token> from the `login` mutation (or an API key). It is only a",
    "# hint here: nothing is pre-filled, and headers are not stored by the",
    "# browser. Subscriptions send the same header on their WebSocket.",
    "#",
    "# The Docs button (top left) lists every type and field.",
    "query PublicDirectory {",
    "  services(first: 5) {",
    "    totalCount",
    "    nodes {",
    "      name { text }",
    "      organization { name }",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");

  var fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: socket.href,
  });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: true,
    })
  );
})();

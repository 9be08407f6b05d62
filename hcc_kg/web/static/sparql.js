// The YASGUI editor over this server's /sparql only: no autocompleter that calls an outside
// service (prefix.cc, LOV), no endpoint catalogue beyond this server.
(function () {
  "use strict";
  var endpoint = window.location.origin + "/sparql";
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  var example = document.getElementById("example-query").textContent;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { value: example, autocompleters: ["variables"] }
  });
  var tab = yasgui.getTab();
  if (tab && tab.getYasqe && tab.getYasqe().getValue().trim() === "") { tab.getYasqe().setValue(example); }
  window.hccKgYasgui = yasgui;
})();

// The callflow extension: it starts `callflow lsp` (the path is the
// callflow.path setting) and lets the language server do the rest.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration("callflow");
  const args = ["lsp"];
  const log = config.get("lsp.log");
  if (log) {
    args.push("--log", log);
  }
  return { command: config.get("path") || "callflow", args };
}

async function start(context) {
  client = new LanguageClient("callflow", "callflow", serverOptions(), {
    documentSelector: [{ scheme: "file", language: "flow" }, { scheme: "untitled", language: "flow" }],
  });
  await client.start();
}

async function activate(context) {
  await start(context);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("callflow")) {
        await client.stop();
        await start(context);
      }
    }),
  );
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

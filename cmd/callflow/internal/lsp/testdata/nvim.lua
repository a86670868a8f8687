-- Driven by TestNeovim: Neovim 0.7 as a real LSP client of callflow lsp.
-- It opens a shipped flow, breaks it, and writes what the editor got back
-- (diagnostics, hover, definition) as JSON lines to vim.g.callflow_out.
local bin, flow, out = vim.g.callflow_bin, vim.g.callflow_flow, vim.g.callflow_out
local lines_out = {}
local function record(what, value)
  table.insert(lines_out, vim.fn.json_encode({ what = what, value = value }))
end
local function finish()
  vim.fn.writefile(lines_out, out)
  vim.cmd("qa!")
end

vim.cmd("edit " .. vim.fn.fnameescape(flow))
local buf = vim.api.nvim_get_current_buf()
local published = {}
local id = vim.lsp.start_client({
  name = "callflow",
  cmd = { bin, "lsp" },
  root_dir = vim.fn.fnamemodify(flow, ":h"),
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      table.insert(published, result)
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
if not id then
  record("error", "start_client failed")
  finish()
end
vim.lsp.buf_attach_client(buf, id)

local function has_code(code)
  for _, p in ipairs(published) do
    for _, d in ipairs(p.diagnostics) do
      if d.code == code then return true end
    end
  end
  return false
end

if not vim.wait(15000, function() return #published > 0 end, 20) then
  record("error", "no diagnostics after opening")
  finish()
end
record("opened", #vim.diagnostic.get(buf))

-- Break it: a goto to a handler that does not exist.
for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  if l:find("goto order", 1, true) then
    local broken = l:gsub("goto order", "goto ordr")
    vim.api.nvim_buf_set_lines(buf, i - 1, i, false, { broken })
    break
  end
end
if not vim.wait(15000, function() return has_code("unknown-handler") end, 20) then
  record("error", "no unknown-handler diagnostic after the change")
  finish()
end
local diags = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(diags, { lnum = d.lnum, col = d.col, end_col = d.end_col, code = d.code, severity = d.severity, message = d.message })
end
record("diagnostics", diags)

local client = vim.lsp.get_client_by_id(id)
local uri = vim.uri_from_bufnr(buf)
local function ask(method, line, character)
  local r = client.request_sync(method, { textDocument = { uri = uri }, position = { line = line, character = character } }, 10000, buf)
  if not r then return { error = "timeout" } end
  return r.result or { error = r.err }
end
record("hover", ask("textDocument/hover", vim.g.callflow_hover[1], vim.g.callflow_hover[2]))
record("definition", ask("textDocument/definition", vim.g.callflow_definition[1], vim.g.callflow_definition[2]))
finish()

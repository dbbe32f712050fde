import {useEffect, useState, type FormEvent} from "react";
import {useTranslation} from "react-i18next";
import type {ToolLimits, ToolServerInfo, ToolsView} from "../../../electron/contract";
import {parseNamedValues, splitArguments} from "../format/toolServerFields";
import {localizeError} from "../i18n/localizeError";
import {usePonder} from "../store/PonderStoreContext";

/**
 * MCP servers whose tools models may call: add one (a local command or a URL) or import an
 * `mcpServers` JSON, see each server's state and tools, switch servers and tools on and off.
 */
export function ToolsPanel() {
    const {t} = useTranslation();
    const tools = usePonder((state) => state.tools);
    const connection = usePonder((state) => state.connection);
    const loadTools = usePonder((state) => state.loadTools);

    useEffect(() => {
        if (connection === "connected")
            void loadTools();
    }, [connection, loadTools]);

    return (
        <div className="engines">
            <div className="tools">
                {tools != null && <AddServerForm allowCommands={tools.allowCommands} />}
                <ImportForm />
                {tools != null && tools.servers.length > 0 && (
                    <ul className="models__list" aria-label={t("tools.servers")}>
                        {tools.servers.map((server) => <ServerItem key={server.id} server={server} />)}
                    </ul>
                )}
                {tools != null && <LimitsForm limits={tools.limits} />}
            </div>
        </div>
    );
}

function AddServerForm({allowCommands}: {allowCommands: ToolsView["allowCommands"]}) {
    const {t} = useTranslation();
    const addToolServer = usePonder((state) => state.addToolServer);
    const [kind, setKind] = useState<"command" | "url">(allowCommands ? "command" : "url");
    const [fields, setFields] = useState({name: "", command: "", args: "", env: "", cwd: "", url: "", headers: ""});
    const [pending, setPending] = useState(false);
    const [error, setError] = useState<string | null>(null);
    const field = (name: keyof typeof fields) => ({
        value: fields[name],
        onChange: (event: {target: {value: string}}) => setFields({...fields, [name]: event.target.value})
    });

    async function submit(event: FormEvent) {
        event.preventDefault();
        const named = kind === "command" ? parseNamedValues(fields.env, "=") : parseNamedValues(fields.headers, ":");
        if ("badLine" in named) {
            setError(t("tools.badLine", {separator: kind === "command" ? "=" : ":", line: named.badLine}));
            return;
        }
        const name = fields.name.trim() === "" ? {} : {name: fields.name.trim()};
        const definition = kind === "command"
            ? {...name, command: fields.command.trim(), args: splitArguments(fields.args), env: named.values, ...(fields.cwd.trim() === "" ? {} : {cwd: fields.cwd.trim()})}
            : {...name, url: fields.url.trim(), headers: named.values};
        setPending(true);
        const result = await addToolServer(definition);
        setPending(false);
        setError(result.ok ? null : localizeError(result.failure));
        if (result.ok)
            setFields({name: "", command: "", args: "", env: "", cwd: "", url: "", headers: ""});
    }

    const ready = kind === "command" ? fields.command.trim() !== "" : fields.url.trim() !== "";
    return (
        <form className="engines__form" onSubmit={(event) => void submit(event)}>
            <fieldset className="tools__kind">
                <legend className="engines__label">{t("tools.kind")}</legend>
                <label className="engines__check">
                    <input type="radio" name="tool-server-kind" checked={kind === "command"} disabled={!allowCommands} onChange={() => setKind("command")} />
                    {t("tools.kindCommand")}
                </label>
                <label className="engines__check">
                    <input type="radio" name="tool-server-kind" checked={kind === "url"} onChange={() => setKind("url")} />
                    {t("tools.kindUrl")}
                </label>
            </fieldset>
            {!allowCommands && <p className="model__details">{t("tools.commandsOff")}</p>}
            <label className="engines__label">
                {t("tools.name")}
                <input className="engines__input" placeholder={t("tools.optional")} {...field("name")} />
            </label>
            {kind === "command" ? (
                <>
                    <label className="engines__label">
                        {t("tools.command")}
                        <input className="engines__input" placeholder="npx" spellCheck={false} {...field("command")} />
                    </label>
                    <label className="engines__label">
                        {t("tools.args")}
                        <input className="engines__input" placeholder="-y @modelcontextprotocol/server-filesystem ~/Documents" spellCheck={false} {...field("args")} />
                    </label>
                    <label className="engines__label">
                        {t("tools.env")}
                        <textarea className="engines__input" rows={2} placeholder={t("tools.envPlaceholder")} spellCheck={false} {...field("env")} />
                    </label>
                    <label className="engines__label">
                        {t("tools.cwd")}
                        <input className="engines__input" placeholder={t("tools.optional")} spellCheck={false} {...field("cwd")} />
                    </label>
                </>
            ) : (
                <>
                    <label className="engines__label">
                        {t("tools.url")}
                        <input className="engines__input" type="url" placeholder="http://127.0.0.1:3001/mcp" {...field("url")} />
                    </label>
                    <label className="engines__label">
                        {t("tools.headers")}
                        <textarea className="engines__input" rows={2} placeholder={t("tools.headersPlaceholder")} spellCheck={false} {...field("headers")} />
                    </label>
                </>
            )}
            <button type="submit" className="button button--small" disabled={pending || !ready}>
                {pending ? t("tools.starting") : t("tools.add")}
            </button>
            {error != null && <p className="model__error" role="alert">{error}</p>}
        </form>
    );
}

function ImportForm() {
    const {t} = useTranslation();
    const importToolServers = usePonder((state) => state.importToolServers);
    const [json, setJson] = useState("");
    const [pending, setPending] = useState(false);
    const [error, setError] = useState<string | null>(null);

    async function submit(event: FormEvent) {
        event.preventDefault();
        setPending(true);
        const result = await importToolServers(json);
        setPending(false);
        setError(result.ok ? null : localizeError(result.failure));
        if (result.ok)
            setJson("");
    }

    return (
        <form className="engines__form" onSubmit={(event) => void submit(event)}>
            <label className="engines__label">
                {t("tools.importLabel")}
                <textarea className="engines__input" rows={3} placeholder={"{\"mcpServers\": {…}}"} spellCheck={false} value={json} onChange={(event) => setJson(event.target.value)} />
            </label>
            <button type="submit" className="button button--small" disabled={pending || json.trim() === ""}>
                {pending ? t("tools.starting") : t("tools.import")}
            </button>
            {error != null && <p className="model__error" role="alert">{error}</p>}
        </form>
    );
}

function ServerItem({server}: {server: ToolServerInfo}) {
    const {t} = useTranslation();
    const setEnabled = usePonder((state) => state.setToolServerEnabled);
    const restart = usePonder((state) => state.restartToolServer);
    const remove = usePonder((state) => state.removeToolServer);
    const updateTool = usePonder((state) => state.updateTool);
    const where = server.kind === "stdio" ? [server.command, ...server.args ?? []].join(" ") : server.url;

    return (
        <li className="engine" aria-label={server.name}>
            <div className="model">
                <div className="model__text">
                    <span className="model__name">{server.name}</span>
                    <span className="model__details tools__where">{where}</span>
                    <span className="model__details" role="status">{statusText(t, server)}</span>
                    {server.error != null && <span className="model__error">{localizeError(server.error)}</span>}
                    {server.stderr !== "" && <pre className="tools__stderr" aria-label={t("tools.stderr", {name: server.name})}>{server.stderr}</pre>}
                </div>
                <label className="engines__check">
                    <input type="checkbox" role="switch" checked={server.enabled} aria-label={t("tools.serverOn", {name: server.name})}
                        onChange={(event) => void setEnabled(server.id, event.target.checked)} />
                </label>
            </div>
            <div className="tools__actions">
                {server.enabled && server.status !== "starting" && (
                    <button type="button" className="button button--small" aria-label={t("tools.restart", {name: server.name})} onClick={() => void restart(server.id)}>
                        {t("tools.restartShort")}
                    </button>
                )}
                <button type="button" className="button button--small" aria-label={t("tools.remove", {name: server.name})} onClick={() => void remove(server.id)}>
                    {t("tools.removeShort")}
                </button>
            </div>
            {server.tools.length > 0 && (
                <ul className="models__list engine__models" aria-label={t("tools.toolsOf", {name: server.name})}>
                    {server.tools.map((tool) => (
                        <li key={tool.name} className="tools__tool">
                            <label className="engines__check">
                                <input type="checkbox" role="switch" checked={tool.enabled}
                                    onChange={(event) => void updateTool({serverId: server.id, tool: tool.name, enabled: event.target.checked})} />
                                <span className="model__name">{tool.callName}</span>
                            </label>
                            {tool.description !== "" && <span className="model__details">{tool.description}</span>}
                            <label className="engines__check model__details">
                                <input type="checkbox" checked={tool.alwaysAllow} aria-label={t("tools.alwaysAllowTool", {tool: tool.callName})}
                                    onChange={(event) => void updateTool({serverId: server.id, tool: tool.name, alwaysAllow: event.target.checked})} />
                                {t("tools.alwaysAllow")}
                            </label>
                        </li>
                    ))}
                </ul>
            )}
        </li>
    );
}

function statusText(t: ReturnType<typeof useTranslation>["t"], server: ToolServerInfo): string {
    switch (server.status) {
        case "starting":
            return t("tools.status.starting");
        case "ready":
            return t("tools.status.ready", {count: server.tools.length});
        case "failed":
            return t("tools.status.failed");
        case "stopped":
            return t("tools.status.stopped");
    }
}

function LimitsForm({limits}: {limits: ToolLimits}) {
    const {t} = useTranslation();
    const configure = usePonder((state) => state.configureTools);
    const fields = [
        {name: "callTimeoutSeconds", label: t("tools.limits.callTimeoutSeconds"), min: 1, max: 3600},
        {name: "maxResultChars", label: t("tools.limits.maxResultChars"), min: 1000, max: 1_000_000},
        {name: "maxCallsPerReply", label: t("tools.limits.maxCallsPerReply"), min: 1, max: 100}
    ] as const;
    return (
        <div className="engines__form">
            {fields.map((field) => <LimitField key={field.name} {...field} value={limits[field.name]} onCommit={(value) => void configure({[field.name]: value})} />)}
        </div>
    );
}

function LimitField({label, min, max, value, onCommit}: {label: string; min: number; max: number; value: number; onCommit: (value: number) => void}) {
    const [text, setText] = useState(String(value));
    useEffect(() => setText(String(value)), [value]);

    function commit() {
        const number = Number(text);
        if (Number.isInteger(number) && number >= min && number <= max && number !== value)
            onCommit(number);
        else
            setText(String(value));
    }

    return (
        <label className="engines__label">
            {label}
            <input className="engines__input" type="number" min={min} max={max} value={text}
                onChange={(event) => setText(event.target.value)} onBlur={commit}
                onKeyDown={(event) => {
                    if (event.key === "Enter")
                        commit();
                }} />
        </label>
    );
}

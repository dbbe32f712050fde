import {readdirSync, readFileSync} from "node:fs";
import path from "node:path";
import ts from "typescript";
import {errorMessages} from "../../../../electron/contract/errors.ts";

export interface CoreErrorMessage {
    /** Where it is thrown, as file:line. */
    at: string;
    /** The message with every interpolated part replaced by {@link placeholder}. */
    sample: string;
}

/** Stands for an interpolated value (a size, a path, a status) in a sample message. */
export const placeholder = "⟨value⟩";

function sourceFiles(dir: string): string[] {
    return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory())
            return sourceFiles(full);
        return entry.name.endsWith(".ts") ? [full] : [];
    });
}

/** Every text an expression can evaluate to, with interpolations as placeholders. */
function textsOf(node: ts.Expression): string[] | null {
    if (ts.isParenthesizedExpression(node))
        return textsOf(node.expression);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
        return [node.text];
    if (ts.isTemplateExpression(node)) {
        let variants = [node.head.text];
        for (const span of node.templateSpans) {
            // A nested template or choice inside an interpolation is still a value to the reader.
            variants = variants.map((text) => text + placeholder + span.literal.text);
        }
        return variants;
    }
    if (ts.isConditionalExpression(node)) {
        const whenTrue = textsOf(node.whenTrue);
        const whenFalse = textsOf(node.whenFalse);
        return whenTrue == null || whenFalse == null ? null : [...whenTrue, ...whenFalse];
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        const left = textsOf(node.left);
        const right = textsOf(node.right);
        return left == null || right == null ? null : left.flatMap((a) => right.map((b) => a + b));
    }
    return null;
}

/**
 * The messages of every error the main side can put in front of the user: the first argument of
 * `new …Error(…)` and of `super(…)` in error classes, in electron/core and native. Messages that
 * only forward another error's text (a bare variable) are not listed: that text is listed where it
 * is made.
 */
export function coreErrorMessages(roots: string[]): CoreErrorMessage[] {
    const found: CoreErrorMessage[] = [];
    for (const file of roots.flatMap(sourceFiles)) {
        const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
        const visit = (node: ts.Node) => {
            let argument: ts.Expression | undefined;
            if (ts.isNewExpression(node) && /Error$/.test(node.expression.getText(source)) && !/^(Type|Range|Syntax)Error$/.test(node.expression.getText(source)))
                argument = node.arguments?.[0];
            else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
                const owner = node.parent.parent.parent?.parent;
                if (owner != null && ts.isClassDeclaration(owner) && owner.heritageClauses?.some((clause) => /\bError\b/.test(clause.getText(source))))
                    argument = node.arguments[0];
            }
            if (argument != null) {
                const at = `${path.relative(process.cwd(), file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
                // A coded error (`new PonderError("model.tooLarge", …)`) is translated from its code, not its text.
                for (const sample of textsOf(argument) ?? [])
                    if (!Object.hasOwn(errorMessages.en, sample))
                        found.push({at, sample});
            }
            ts.forEachChild(node, visit);
        };
        visit(source);
    }
    return found;
}

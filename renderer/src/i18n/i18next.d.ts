import "i18next";
import type en from "./locales/en.json";

// Typed keys: `t("composer.sendd")` is a compile error.
declare module "i18next" {
    interface CustomTypeOptions {
        defaultNS: "translation";
        resources: {translation: typeof en};
    }
}

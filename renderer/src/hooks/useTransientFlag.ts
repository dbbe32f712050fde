import {useEffect, useState} from "react";

/** A flag that turns itself off after `ms` ("Copied" feedback that goes away). */
export function useTransientFlag<T>(ms = 2000): [T | null, (value: T | null) => void] {
    const [value, setValue] = useState<T | null>(null);
    useEffect(() => {
        if (value == null)
            return;
        const timer = setTimeout(() => setValue(null), ms);
        return () => clearTimeout(timer);
    }, [value, ms]);
    return [value, setValue];
}

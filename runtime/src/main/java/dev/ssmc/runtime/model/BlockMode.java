package dev.ssmc.runtime.model;

/** The four SSM layer modes, as the runtime knows them (the compiler's IR has its own). */
public enum BlockMode {
    DWS("dws"),
    S5("s5"),
    NECK("neck"),
    FULL("full");

    private final String spelling;

    BlockMode(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    public static BlockMode of(String spelling) {
        for (BlockMode m : values()) {
            if (m.spelling.equals(spelling)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown SSM mode '" + spelling + "'");
    }
}

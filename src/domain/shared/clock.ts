/** Time is injected so that expiry, deadlines and sweeps can be tested at any chosen moment. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

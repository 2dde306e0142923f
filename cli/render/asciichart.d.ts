// asciichart 1.5 ships no types: the part evac uses.
declare module 'asciichart' {
  interface PlotConfig {
    height?: number;
    offset?: number;
    padding?: string;
    colors?: (string | undefined)[];
    format?: (x: number, i: number) => string;
  }
  const asciichart: {
    plot(series: number[] | number[][], config?: PlotConfig): string;
    readonly default: string;
    readonly blue: string;
    readonly red: string;
  };
  export default asciichart;
}

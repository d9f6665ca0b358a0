/**
 * 职工基本养老保险个人账户记账利率, in basis points (1 bp = 0.01 %), by year, as published each year by
 * 人力资源社会保障部办公厅 and 财政部办公厅 (the national rate applies since 2016:
 * 人社部发〔2017〕31号 统一和规范职工养老保险个人账户记账利率办法). A year missing here credits no
 * interest and is reported (`yearsWithoutRate`), never guessed.
 */
export const NATIONAL_ACCOUNT_RATES_BP: ReadonlyMap<number, number> = new Map([
  [2016, 831],
  [2017, 712],
  [2018, 829],
  [2019, 761],
  [2020, 604],
  [2021, 669],
  [2022, 612],
  [2023, 397],
  [2024, 262],
]);

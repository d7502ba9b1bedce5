/**
 * Pure statistics shared by the collector and the browser: no DOM, no storage, no I/O.
 */
export { logGamma, logBeta } from './log-gamma';
export { betaCdf } from './beta-cdf';
export { betaQuantile } from './beta-quantile';
export { betaInterval, conversionInterval, type RateInterval } from './credible-interval';
export { betaPosterior, cleanCounts, type VariantCounts } from './posterior';
export { probabilityToBeBest, type BestOfVariants } from './probability-best';
export { relativeLift, conversionUplift, type RelativeLift } from './relative-lift';
export { gammaP, gammaQ, chiSquareSurvival } from './incomplete-gamma';
export { normalQuantile, studentTQuantile } from './normal-quantile';
export { meanInterval, sampleVariance, type MeanInterval, type MomentSums } from './mean-interval';
export { meanUplift, type MeanUplift } from './mean-uplift';
export { riskRatio, type RatioInterval } from './risk-ratio';
export { sampleRatioMismatch, SRM_THRESHOLD, type SampleRatioCheck } from './sample-ratio';
export { twoProportionSampleSize, enoughData, type EnoughData, type EnoughDataOptions } from './sample-size';

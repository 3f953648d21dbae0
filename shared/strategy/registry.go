package strategy

// Default returns the registry of every strategy, in upstream registry
// order: the original five, the advanced six, then the seventeen later
// ones.
func Default() *Registry {
	r, err := NewRegistry(
		// Original five.
		MomentumPulse{},
		BandFadeReversal{},
		GoldenTrendSync{},
		RangeBreakPop{},
		DivergenceTrap{},
		// Advanced six.
		VolumeSurgeBreakout{},
		MeanReversionScalper{},
		IchimokuCloudMomentum{},
		LiquidityGrabReversal{},
		MultiTimeframeTrendContinuation{},
		OrderFlowImbalance{},
		// Later seventeen.
		EMAAlignmentBullish{},
		BollingerSqueezeAlert{},
		BollingerBreakoutSignals{},
		RSIExtremeReversal{},
		InsideBarBreakout{},
		EMAPullbackContinuation{},
		EMAMomentumReversal{},
		FoxTrapReversal{},
		HammerReversalPattern{},
		BearTrapBuy{},
		InsideBarSell{},
		ShootingStarReversal{},
		DojiReversal{},
		EMAAlignmentBearish{},
		EMASlopeReversalSell{},
		MinerviniTrendTemplate{},
		BearTrapSell{},
	)
	if err != nil {
		panic(err) // the list above is fixed at compile time
	}
	return r
}

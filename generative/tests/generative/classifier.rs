//! The classifier behind the feature metrics, on synthetic images.

use smmd_generative::classifier::{
    quality, Classifier, ClassifierOptions, QualityReference, Spread, FEATURES,
};
use smmd_generative::images::ImageShape;

/// The shape of the images of [`bars`].
const BARS: ImageShape = ImageShape {
    width: 8,
    height: 8,
    channels: 1,
};

/// `n` 8x8 images of 3 classes: a bright bar in the top, middle or bottom
/// rows, at a varying column offset, on a black background.
fn bars(n: usize) -> (Vec<f32>, Vec<u8>) {
    let mut x = vec![0f32; n * 64];
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % 3;
        let start = (i / 3) % 4;
        let row = 1 + 3 * class;
        for c in start..start + 4 {
            x[i * 64 + row * 8 + c] = 0.5 + 0.1 * ((i * 7) % 5) as f32;
        }
        labels.push(class as u8);
    }
    (x, labels)
}

#[test]
fn classifier_learns_bars_and_repeats_bit_for_bit() {
    let shape = BARS;
    let (x, labels) = bars(300);
    let opts = ClassifierOptions {
        epochs: 5,
        batch: 30,
        ..ClassifierOptions::default()
    };
    let clf = Classifier::train(&x[..240 * 64], &labels[..240], shape, 3, &opts).unwrap();
    // the classes differ in which rows are lit: a perfectly separable task
    let acc = clf.accuracy(&x[240 * 64..], &labels[240..]).unwrap();
    assert!(acc >= 0.95, "held-out accuracy {acc}");
    let f = clf.features(&x[240 * 64..]).unwrap();
    assert_eq!(f.len(), 60 * FEATURES);
    let again = Classifier::train(&x[..240 * 64], &labels[..240], shape, 3, &opts).unwrap();
    assert_eq!(f, again.features(&x[240 * 64..]).unwrap());
    assert!(Classifier::train(&x[..64], &[7], shape, 3, &opts).is_err());
    assert!(clf.features(&x[..10]).is_err());
}

#[test]
fn quality_of_the_training_images_is_at_the_floor() {
    let shape = BARS;
    let (x, labels) = bars(300);
    let (train, held) = (&x[..150 * 64], &x[150 * 64..]);
    let opts = ClassifierOptions {
        epochs: 3,
        batch: 30,
        ..ClassifierOptions::default()
    };
    let quality_of = |generated: &[f32]| {
        quality(
            generated,
            train,
            &labels[..150],
            held,
            &labels[150..],
            shape,
            150,
            &opts,
        )
    };
    // "generated" = the training images themselves: every figure equals
    // its floor, and the histogram is the training classes'
    let q = quality_of(train).unwrap();
    assert_eq!(q.frechet, q.frechet_floor);
    assert_eq!(q.precision_recall, q.precision_recall_floor);
    assert_eq!(q.class_histogram.iter().sum::<usize>(), 150);
    // rows 0, 2, 3, 5 and 6 are never lit, nor column 7 (bars span
    // columns 0..7): 5 * 8 + 3 = 43 background pixels
    assert_eq!(q.background_pixels, 43);
    assert_eq!((q.background_generated, q.background_heldout), (0.0, 0.0));
    // bars are 4 pixels wide: none of their pixels is alone
    assert_eq!((q.isolated_generated, q.isolated_heldout), (0.0, 0.0));
    let at_floor = q;
    // noise in the background shows
    let noisy: Vec<f32> = train.iter().map(|v| v + 0.05).collect();
    let q = quality_of(&noisy).unwrap();
    assert!((q.background_generated - 0.05).abs() < 1e-6);
    // one reference, trained once, gives for each set what `quality`
    // gives with its own (identically seeded) classifier
    let reference = QualityReference::new(
        train,
        &labels[..150],
        held,
        &labels[150..],
        shape,
        150,
        &opts,
    )
    .unwrap();
    assert_eq!(reference.quality(&noisy).unwrap(), q);
    assert_eq!(reference.quality(train).unwrap(), at_floor);
    // one bright pixel alone in every generated image (row 3 of the
    // bars' black background): one isolated pixel per image
    let mut speckled = vec![0f32; 150 * 64];
    for image in speckled.chunks_exact_mut(64) {
        image[3 * 8 + 3] = 1.0;
    }
    let q = reference.quality(&speckled).unwrap();
    assert_eq!((q.isolated_generated, q.isolated_heldout), (1.0, 0.0));
    let err = reference.quality(&noisy[..64]).unwrap_err();
    assert!(err.to_string().contains("generated: 1 rows"), "{err}");
}

#[test]
fn draws_average_the_single_figures_and_the_floor_over_the_training_sets() {
    let shape = BARS;
    let (x, labels) = bars(300);
    // 200 training images: 4 disjoint sets of 50; 100 held out
    let (train, held) = (&x[..200 * 64], &x[200 * 64..]);
    let opts = ClassifierOptions {
        epochs: 3,
        batch: 25,
        ..ClassifierOptions::default()
    };
    let reference = QualityReference::new(
        train,
        &labels[..200],
        held,
        &labels[200..],
        shape,
        50,
        &opts,
    )
    .unwrap();
    let sets: Vec<&[f32]> = train.chunks_exact(50 * 64).collect();
    let single: Vec<_> = sets.iter().map(|s| reference.quality(s).unwrap()).collect();
    let frechet: Vec<f64> = single.iter().map(|q| q.frechet).collect();
    // the report's floor is the first set's
    assert_eq!(single[0].frechet_floor, frechet[0]);
    let noisy: Vec<f32> = train.iter().map(|v| v + 0.05).collect();
    let generated: Vec<&[f32]> = vec![&noisy[..50 * 64], &noisy[50 * 64..100 * 64], sets[2]];
    let d = reference.draws(&generated, train).unwrap();
    // each generated draw's figures are those of `quality`, averaged
    let g: Vec<_> = generated
        .iter()
        .map(|s| reference.quality(s).unwrap())
        .collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let fg: Vec<f64> = g.iter().map(|q| q.frechet).collect();
    assert_eq!(d.frechet.draws, 3);
    assert_eq!(d.frechet.mean, mean(&fg));
    let pg: Vec<f64> = g.iter().map(|q| q.precision_recall.precision).collect();
    let rg: Vec<f64> = g.iter().map(|q| q.precision_recall.recall).collect();
    assert_eq!((d.precision.mean, d.recall.mean), (mean(&pg), mean(&rg)));
    // the floor over the 4 training sets
    assert_eq!(d.frechet_floor.draws, 4);
    assert_eq!(d.frechet_floor.mean, mean(&frechet));
    let sd = (frechet
        .iter()
        .map(|v| (v - mean(&frechet)).powi(2))
        .sum::<f64>()
        / 3.0)
        .sqrt();
    // sqrt(var / 4) against sqrt(var) / 2: a few roundings apart, each a
    // relative 1.1e-16; 1e-12 leaves room for the sums' order only
    assert!((d.frechet_floor.std_error - sd / 2.0).abs() <= 1e-12 * sd.max(1.0));
    let pt: Vec<f64> = single
        .iter()
        .map(|q| q.precision_recall.precision)
        .collect();
    assert_eq!(d.precision_floor.mean, mean(&pt));
    assert_eq!(d.frechet_ratio(), d.frechet.mean / d.frechet_floor.mean);
    // the training sets themselves as the generated draws: at the floor
    let at_floor = reference.draws(&sets, train).unwrap();
    assert_eq!(at_floor.frechet, at_floor.frechet_floor);
    assert_eq!(at_floor.recall, at_floor.recall_floor);
    assert_eq!(at_floor.frechet_ratio(), 1.0);
    // errors: one draw, a short draw, fewer than two training sets
    let err = reference.draws(&generated[..1], train).unwrap_err();
    assert!(err.to_string().contains("1 generated sets"), "{err}");
    let short: Vec<&[f32]> = vec![sets[0], &noisy[..64]];
    let err = reference.draws(&short, train).unwrap_err();
    assert!(err.to_string().contains("generated: 1 rows"), "{err}");
    let err = reference.draws(&generated, &train[..99 * 64]).unwrap_err();
    assert!(err.to_string().contains("training: 99 rows"), "{err}");
}

#[test]
fn a_spread_needs_two_finite_draws() {
    let s = Spread::of(&[3.0, 3.0, 3.0]).unwrap();
    assert_eq!((s.mean, s.std_error, s.draws), (3.0, 0.0, 3));
    assert!(Spread::of(&[1.0]).is_err());
    assert!(Spread::of(&[]).is_err());
    let err = Spread::of(&[1.0, f64::NAN]).unwrap_err();
    assert!(err.to_string().contains("NaN"), "{err}");
}

//! The classifier behind the feature metrics, on synthetic images.

use smmd_generative::classifier::{
    quality, Classifier, ClassifierOptions, QualityReference, FEATURES,
};
use smmd_generative::images::ImageShape;

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
    let shape = ImageShape {
        width: 8,
        height: 8,
        channels: 1,
    };
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
    let shape = ImageShape {
        width: 8,
        height: 8,
        channels: 1,
    };
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

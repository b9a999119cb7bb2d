use std::time::Instant;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    for kind in ["rgb", "depth"] {
        let mut total = 0.0;
        for i in 0..10 {
            let p = format!("{dir}/cam4/{kind}/{i:06}.png");
            let t = Instant::now();
            let img = image::ImageReader::open(&p).unwrap().decode().unwrap();
            total += t.elapsed().as_secs_f64();
            std::hint::black_box(img);
        }
        println!("{kind}: {:.1} ms/frame", total / 10.0 * 1e3);
    }
}
